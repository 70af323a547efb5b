#pragma once
// <mpi.h> without MPI's deprecated C++ bindings, which pardo::mpi replaces: they would add
// warnings and, with some MPIs, a library to link.

#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>  // IWYU pragma: export
