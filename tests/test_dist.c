/* Two-sided t p-values (src/core/dist.c) against R 4.2.2's 2 * pt(-abs(t), df), compared
 * relatively: GSL's Cornish-Fisher tail for df > 30 was off by 5.7e-7 at t = -19.33, df = 42
 * (metafor's Knapp-Hartung p of dat.obrien2003, PLO, DL). */
#include <gsl/gsl_errno.h>

#include "../src/core/dist.h"
#include "helpers.h"

static void rel(double got, double want)
{
    cr_expect(fabs(got - want) <= 1e-12 * fabs(want), "got %.17g, R %.17g", got, want);
}

Test(dist, t_two_sided_p_matches_r_in_the_far_tail)
{
    gsl_set_error_handler_off();
    rel(msum_tdist_p2(-19.32583639233338, 42), 1.6153853700494086e-22);
    rel(msum_tdist_p2(19.32583639233338, 42), 1.6153853700494086e-22);
    rel(msum_tdist_p2(-30, 38), 4.5893235465631761e-28);
    rel(msum_tdist_p2(-45, 1000), 1.3368368040368874e-242);
}

Test(dist, t_two_sided_p_matches_r_in_the_body)
{
    gsl_set_error_handler_off();
    rel(msum_tdist_p2(-2.5, 5), 0.054490099342376204);
    rel(msum_tdist_p2(0.01, 100), 0.99204121023442848);
    rel(msum_tdist_p2(3, 31), 0.0052887466889913488);
    cr_expect_eq(msum_tdist_p2(0, 7), 1.0);
    cr_expect_eq(msum_tdist_p2(INFINITY, 7), 0.0);
    cr_expect(isnan(msum_tdist_p2(NAN, 7)));
    cr_expect(isnan(msum_tdist_p2(1, 0)));
}
