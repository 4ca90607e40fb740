/* Internal: distribution tails the pooled, meta-regression and leave-one-out tests share, where
 * GSL's own lose accuracy.  Not part of the public API. */
#ifndef METASUM_DIST_H
#define METASUM_DIST_H

/* Two-sided p-value of a t statistic on df degrees of freedom, 2 P(T_df > |t|) (R's
 * 2 * pt(-abs(t), df)), to full relative precision in the far tail; NaN for NaN input or
 * df <= 0. */
double msum_tdist_p2(double t, double df);

#endif
