/* Plot files in the format their name asks for: SVG markup (from the plot writers in plot.h)
 * written as it is, or rendered to PNG or PDF by librsvg and cairo.  One drawing path: every
 * format comes from the same SVG.
 */
#ifndef METASUM_RENDER_H
#define METASUM_RENDER_H

#include <stddef.h>
#include <stdio.h>

typedef enum { MSUM_RENDER_SVG, MSUM_RENDER_PNG, MSUM_RENDER_PDF } msum_render_format;

/* PNG pixels per SVG px (a 700 px wide plot is 1400 px wide: sharp on high-density screens
 * and in print at 192 dpi). */
#define MSUM_RENDER_PNG_SCALE 2

/* The format named by a file's extension (.svg, .png, .pdf, any case).  Returns MSUM_OK or
 * MSUM_EINVAL for any other name. */
int msum_render_format_of(const char *path, msum_render_format *out);

/* Write the SVG markup svg (len bytes) to fp as format f: SVG as is; PNG at
 * MSUM_RENDER_PNG_SCALE pixels per px on its white background; PDF one page of the plot's size
 * (1 px = 1 pt).  Returns MSUM_OK, MSUM_EINVAL (NULL arguments), MSUM_EPARSE (librsvg cannot
 * read the markup), MSUM_ENOMEM or MSUM_EIO (also when librsvg cannot be loaded: see
 * msum_render_available). */
int msum_render(const char *svg, size_t len, msum_render_format f, FILE *fp);

/* Whether PNG and PDF can be rendered: librsvg (librsvg-2.so.2, Debian librsvg2-2) is
 * loaded with dlopen on the first call, so that programs that draw no PNG or PDF never load
 * it.  1 or 0. */
int msum_render_available(void);

/* msum_render to a file named path in the format of its extension, atomically (a temporary
 * file renamed into place: a failure leaves no partial file). */
int msum_render_file(const char *svg, size_t len, const char *path);

#endif
