# pardo's version string, as `pardo --version` and pardo::version() print it (CONTRIBUTING.md,
# "Versions and releases"):
#
#   0.2.0                   at the tag v0.2.0, or outside a git checkout (a release tarball)
#   0.2.0+15.gabc1234       15 commits after the tag v0.2.0, at commit abc1234
#   0.2.0+gabc1234          at commit abc1234 with no tag v0.2.0 behind it (a clone without tags)
#   0.2.0+15.gabc1234.dirty the same with uncommitted changes to tracked files (0.2.0+dirty at
#                           the tag itself)
#
# The release is project(VERSION); git adds SemVer build metadata, which leaves the version's
# precedence alone. Included at configure time, it writes the header and warns when the
# nearest tag names another version. Run as a script at every build (the pardo_version
# target), it rewrites the header only when the string changes: a new commit recompiles one
# file instead of reconfiguring.
#
# Script mode takes -DSOURCE_DIR= -DPROJECT_VERSION= -DGIT_EXECUTABLE= -DOUTPUT=.

# pardo_git_version(OUT SOURCE_DIR PROJECT_VERSION GIT_EXECUTABLE WARN): the string above.
function(pardo_git_version out source_dir project_version git warn)
  set(${out} ${project_version} PARENT_SCOPE)
  # A checkout of pardo itself, not pardo copied into another project's repository.
  if(NOT git OR NOT EXISTS ${source_dir}/.git)
    return()
  endif()
  # GIT_OPTIONAL_LOCKS=0: a build must not hold the index lock of a checkout being edited.
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env GIT_OPTIONAL_LOCKS=0
      ${git} describe --tags --match "v[0-9]*" --long --always --dirty --abbrev=7
    WORKING_DIRECTORY ${source_dir}
    RESULT_VARIABLE failed
    OUTPUT_VARIABLE describe
    ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(failed)
    return()
  endif()
  set(dirty "")
  if(describe MATCHES "-dirty$")
    set(dirty "dirty")
    string(REGEX REPLACE "-dirty$" "" describe "${describe}")
  endif()
  set(metadata "")
  if(describe MATCHES "^v(.+)-([0-9]+)-g([0-9a-f]+)$")
    set(tag_version ${CMAKE_MATCH_1})
    set(distance ${CMAKE_MATCH_2})
    set(commit ${CMAKE_MATCH_3})
    if(NOT tag_version STREQUAL project_version)
      if(warn)
        message(WARNING "pardo: the nearest release tag is v${tag_version} but project(VERSION) "
          "is ${project_version}: tag the release (CONTRIBUTING.md, \"Versions and releases\") "
          "or correct project(VERSION). The version reads ${project_version}+g${commit}.")
      endif()
      set(metadata "g${commit}")
    elseif(NOT distance EQUAL 0)
      set(metadata "${distance}.g${commit}")
    endif()
  elseif(describe MATCHES "^([0-9a-f]+)$")
    set(metadata "g${CMAKE_MATCH_1}")
  else()
    return()
  endif()
  if(dirty)
    if(metadata)
      string(APPEND metadata ".")
    endif()
    string(APPEND metadata ${dirty})
  endif()
  if(metadata)
    set(${out} "${project_version}+${metadata}" PARENT_SCOPE)
  endif()
endfunction()

# pardo_write_version_header(PATH VERSION): the header src/core/version.cpp includes, written
# only when its text changes so that an unchanged version recompiles nothing.
function(pardo_write_version_header path version)
  set(text "// Written by cmake/PardoVersion.cmake; the version scheme is there.\n")
  string(APPEND text "#pragma once\n#define PARDO_VERSION \"${version}\"\n")
  if(EXISTS ${path})
    file(READ ${path} old)
    if(old STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE ${path} "${text}")
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  pardo_git_version(version ${SOURCE_DIR} ${PROJECT_VERSION} "${GIT_EXECUTABLE}" FALSE)
  pardo_write_version_header(${OUTPUT} ${version})
endif()
