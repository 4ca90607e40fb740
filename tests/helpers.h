/* Test helpers shared by every tests/test_<module>.c. */
#ifndef METASUM_TEST_HELPERS_H
#define METASUM_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <math.h>

/* NaN-aware closeness: passes when both are NaN, or |a-e| <= tol * max(1, |e|)
 * (relative for large values, absolute near zero).  Prints both values with %.17g. */
#define assert_close(actual, expected, tol, what)                                          \
    do {                                                                                   \
        double a_ = (actual), e_ = (expected), t_ = (tol);                                 \
        int ok_ = (isnan(a_) && isnan(e_)) ||                                              \
                  (isinf(e_) && a_ == e_) ||                                               \
                  (!isnan(a_) && !isnan(e_) && fabs(a_ - e_) <= t_ * fmax(1.0, fabs(e_))); \
        cr_expect(ok_, "%s: got %.17g, expected %.17g (tol %g)", (what), a_, e_, t_);     \
    } while (0)

#endif
