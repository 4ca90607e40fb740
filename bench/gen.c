/* Seeded synthetic workloads for `make bench` (bench/README.md): random-effects study data
 * yi ~ N(mu, tau2 + vi) in three shapes.  Own PRNG (splitmix64 seeding xoshiro256**, Blackman &
 * Vigna 2018) and Box-Muller normals (Box & Muller 1958), so the files are the same bytes on
 * every machine and C library.  Numbers are rounded to a fixed number of decimals and written
 * in their shortest text that reads back to the same double.
 *
 * Usage: gen a K SEED OUT            study,yi,vi                       (K studies)
 *        gen b G N SEED OUT          group,study,yi,vi                 (G groups x N studies)
 *        gen c K SEED OUT            id,m1i,sd1i,n1i,m2i,sd2i,n2i      (K two-group studies)
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MU 0.3      /* true mean effect */
#define TAU2 0.1    /* between-study variance */
#define VI_LO 0.01  /* within-study variances ~ U(VI_LO, VI_HI) */
#define VI_HI 0.5

typedef struct {
    uint64_t s[4];
    int have_spare;
    double spare;
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
    r->have_spare = 0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 */
static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform on [0, 1) with 53 random bits. */
static double rng_unif(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double rng_unif_ab(rng *r, double a, double b)
{
    return a + (b - a) * rng_unif(r);
}

/* Standard normal by Box-Muller; the second value of each pair is kept for the next call. */
static double rng_norm(rng *r)
{
    if (r->have_spare) {
        r->have_spare = 0;
        return r->spare;
    }
    double u1 = 1.0 - rng_unif(r); /* (0, 1]: log(u1) finite */
    double u2 = rng_unif(r);
    double rad = sqrt(-2.0 * log(u1));
    double th = 2.0 * 3.14159265358979323846 * u2;
    r->spare = rad * sin(th);
    r->have_spare = 1;
    return rad * cos(th);
}

/* Integer uniform on [lo, hi]. */
static long rng_int(rng *r, long lo, long hi)
{
    return lo + (long)(rng_unif(r) * (double)(hi - lo + 1));
}

/* Write x rounded to `dec` decimals, in the shortest text that strtod reads back to the same
 * double: "%.{dec}f" without trailing zeros (two different decimals with at most `dec`
 * decimals differ by far more than one ulp here, so nothing shorter maps to the same double). */
static void put_num(FILE *fp, double x, int dec)
{
    double scale = pow(10.0, dec);
    double v = round(x * scale) / scale;
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*f", dec, v);
    if (strchr(buf, '.')) {
        while (n > 0 && buf[n - 1] == '0') buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.') buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
    if (strtod(buf, NULL) != v && !(v == 0.0)) {
        fprintf(stderr, "gen: %s does not read back as %.17g\n", buf, v);
        exit(1);
    }
    fputs(buf, fp);
}

/* One study of the random-effects model: vi ~ U(VI_LO, VI_HI), yi ~ N(mu, TAU2 + vi). */
static void put_study(FILE *fp, rng *r, double mu)
{
    double vi = round(rng_unif_ab(r, VI_LO, VI_HI) * 1e10) / 1e10;
    double yi = mu + sqrt(TAU2 + vi) * rng_norm(r);
    put_num(fp, yi, 10);
    fputc(',', fp);
    put_num(fp, vi, 10);
    fputc('\n', fp);
}

static void gen_a(FILE *fp, rng *r, long k)
{
    fputs("study,yi,vi\n", fp);
    for (long i = 1; i <= k; i++) {
        fprintf(fp, "s%ld,", i);
        put_study(fp, r, MU);
    }
}

/* Groups differ in their true mean: mu_g ~ N(MU, 0.05), contiguous rows per group. */
static void gen_b(FILE *fp, rng *r, long groups, long per)
{
    fputs("group,study,yi,vi\n", fp);
    long id = 0;
    for (long g = 1; g <= groups; g++) {
        double mu = MU + sqrt(0.05) * rng_norm(r);
        for (long j = 0; j < per; j++) {
            fprintf(fp, "g%ld,s%ld,", g, ++id);
            put_study(fp, r, mu);
        }
    }
}

/* Two-group continuous outcomes: n ~ U{5..100} per arm, sigma ~ U(1, 4), control mean
 * ~ N(10, 4); true SMD delta ~ N(MU, TAU2).  Reported means are sample means
 * N(mean, sigma^2/n); reported SDs scale sigma by sqrt(chi2_{n-1}/(n-1)), drawn here by its
 * normal approximation 1 + N(0, 1/(2(n-1))) and floored at 0.5 sigma, so no SD falls below 2 %
 * of its mean (metasum would ask whether it is an SEM).  Four decimals. */
static void gen_c(FILE *fp, rng *r, long k)
{
    fputs("id,m1i,sd1i,n1i,m2i,sd2i,n2i\n", fp);
    for (long i = 1; i <= k; i++) {
        long n1 = rng_int(r, 5, 100), n2 = rng_int(r, 5, 100);
        double sigma = rng_unif_ab(r, 1.0, 4.0);
        double mu2 = 10.0 + 2.0 * rng_norm(r);
        double delta = MU + sqrt(TAU2) * rng_norm(r);
        double mu1 = mu2 + delta * sigma;
        double m1 = mu1 + sigma / sqrt((double)n1) * rng_norm(r);
        double m2 = mu2 + sigma / sqrt((double)n2) * rng_norm(r);
        double f1 = 1.0 + rng_norm(r) / sqrt(2.0 * (double)(n1 - 1));
        double f2 = 1.0 + rng_norm(r) / sqrt(2.0 * (double)(n2 - 1));
        double sd1 = sigma * fmax(f1, 0.5), sd2 = sigma * fmax(f2, 0.5);
        fprintf(fp, "c%ld,", i);
        put_num(fp, m1, 4);
        fputc(',', fp);
        put_num(fp, sd1, 4);
        fprintf(fp, ",%ld,", n1);
        put_num(fp, m2, 4);
        fputc(',', fp);
        put_num(fp, sd2, 4);
        fprintf(fp, ",%ld\n", n2);
    }
}

static long arg_long(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < 1) {
        fprintf(stderr, "gen: '%s' is not a positive integer\n", s);
        exit(2);
    }
    return v;
}

static void usage(void)
{
    fputs("usage: gen a K SEED OUT | gen b GROUPS PER SEED OUT | gen c K SEED OUT\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2) usage();
    char kind = argv[1][0];
    int need = kind == 'b' ? 6 : 5;
    if (argv[1][1] != '\0' || (kind != 'a' && kind != 'b' && kind != 'c') || argc != need)
        usage();
    const char *out = argv[need - 1];
    uint64_t seed = (uint64_t)arg_long(argv[need - 2]);

    /* Written under a temporary name and renamed, so an interrupted run leaves no file that
     * run.sh would take as complete. */
    size_t tl = strlen(out) + 5;
    char *tmp = malloc(tl);
    if (!tmp) return 1;
    snprintf(tmp, tl, "%s.tmp", out);
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        fprintf(stderr, "gen: cannot write %s: %s\n", tmp, strerror(errno));
        free(tmp);
        return 3;
    }
    static char buf[1 << 16];
    setvbuf(fp, buf, _IOFBF, sizeof buf);

    rng r;
    rng_seed(&r, seed);
    if (kind == 'a') gen_a(fp, &r, arg_long(argv[2]));
    else if (kind == 'b') gen_b(fp, &r, arg_long(argv[2]), arg_long(argv[3]));
    else gen_c(fp, &r, arg_long(argv[2]));

    int rc = 0;
    if (ferror(fp) | fclose(fp)) {
        fprintf(stderr, "gen: write error on %s\n", tmp);
        remove(tmp);
        rc = 3;
    } else if (rename(tmp, out) != 0) {
        fprintf(stderr, "gen: cannot rename %s: %s\n", tmp, strerror(errno));
        rc = 3;
    }
    free(tmp);
    return rc;
}
