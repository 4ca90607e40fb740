/* PNG and PDF from the plots' SVG with librsvg (rsvg_handle_render_document) onto cairo image
 * and PDF surfaces; SVG is written as it is.  No second drawing path. */
#include "metasum/render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <strings.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/write.h"

int msum_render_format_of(const char *path, msum_render_format *out)
{
    static const struct {
        const char *ext;
        msum_render_format f;
    } ext[] = {{".svg", MSUM_RENDER_SVG}, {".png", MSUM_RENDER_PNG}, {".pdf", MSUM_RENDER_PDF}};
    size_t n = path ? strlen(path) : 0;
    for (size_t i = 0; n > 4 && i < sizeof ext / sizeof *ext; i++)
        if (strcasecmp(path + n - 4, ext[i].ext) == 0) {
            if (out) *out = ext[i].f;
            return MSUM_OK;
        }
    return MSUM_EINVAL;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int msum_render(const char *svg, size_t len, msum_render_format f, FILE *fp)
{
    if (!svg || !fp) return MSUM_EINVAL;
    if (f == MSUM_RENDER_SVG) return fwrite(svg, 1, len, fp) == len ? MSUM_OK : MSUM_EIO;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, NULL);
    if (!h) return MSUM_EPARSE;
    double w = 0, ht = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &ht) || !(w > 0) || !(ht > 0)) {
        g_object_unref(h);
        return MSUM_EPARSE;
    }
    double scale = f == MSUM_RENDER_PNG ? MSUM_RENDER_PNG_SCALE : 1;
    cairo_surface_t *s =
        f == MSUM_RENDER_PNG
            ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)(w * scale + 0.5),
                                         (int)(ht * scale + 0.5))
            : cairo_pdf_surface_create_for_stream(to_file, fp, w, ht);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        g_object_unref(h);
        return MSUM_ENOMEM;
    }
    if (f == MSUM_RENDER_PDF) {
        /* reproducible bytes: no creation date */
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "metasum " MSUM_VERSION);
    }
    cairo_t *cr = cairo_create(s);
    RsvgRectangle vp = {0, 0, w * scale, ht * scale};
    int ok = rsvg_handle_render_document(h, cr, &vp, NULL);
    cairo_destroy(cr);
    int st = ok ? MSUM_OK : MSUM_EPARSE;
    if (st == MSUM_OK && f == MSUM_RENDER_PNG &&
        cairo_surface_write_to_png_stream(s, to_file, fp) != CAIRO_STATUS_SUCCESS)
        st = MSUM_EIO;
    cairo_surface_finish(s);
    if (st == MSUM_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) st = MSUM_EIO;
    cairo_surface_destroy(s);
    g_object_unref(h);
    if (st == MSUM_OK && ferror(fp)) st = MSUM_EIO;
    return st;
}

int msum_render_file(const char *svg, size_t len, const char *path)
{
    msum_render_format f;
    if (!svg || msum_render_format_of(path, &f) != MSUM_OK) return MSUM_EINVAL;
    msum_atomic *a;
    int st = msum_atomic_open(path, &a);
    if (st != MSUM_OK) return st;
    st = msum_render(svg, len, f, msum_atomic_fp(a));
    if (st != MSUM_OK) {
        msum_atomic_abort(a);
        return st;
    }
    return msum_atomic_commit(a);
}
