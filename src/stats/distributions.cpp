#include "pardo/stats/distributions.hpp"

#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <string>

#include "core/validate.hpp"

namespace pardo::stats {

namespace {

// Bad arguments throw std::invalid_argument naming the value, not Boost's domain_error.
void require_probability(double p, const char* caller) {
  detail::require_open_unit(p, caller, "probability");
}
void require_df(double df, const char* caller) {
  if (!(df > 0)) {
    detail::throw_invalid(caller,
                          "degrees of freedom " + pardo::format_number(df) + " must be positive");
  }
}

}  // namespace

double normal_cdf(double z) { return boost::math::cdf(boost::math::normal_distribution<>(), z); }

double normal_quantile(double p) {
  require_probability(p, "normal_quantile");
  return boost::math::quantile(boost::math::normal_distribution<>(), p);
}

double student_t_cdf(double t, double df) {
  require_df(df, "student_t_cdf");
  return boost::math::cdf(boost::math::students_t_distribution<>(df), t);
}

double student_t_quantile(double p, double df) {
  require_probability(p, "student_t_quantile");
  require_df(df, "student_t_quantile");
  return boost::math::quantile(boost::math::students_t_distribution<>(df), p);
}

double noncentral_t_cdf(double t, double df, double delta) {
  require_df(df, "noncentral_t_cdf");
  return boost::math::cdf(boost::math::non_central_t_distribution<>(df, delta), t);
}

}  // namespace pardo::stats
