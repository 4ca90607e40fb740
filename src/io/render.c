/* PNG and PDF from the plots' SVG with librsvg (rsvg_handle_render_document) onto cairo image
 * and PDF surfaces; SVG is written as it is.  No second drawing path.
 *
 * librsvg, cairo and GLib are loaded with dlopen the first time a plot is rendered, not at
 * start-up: linked in, they made every metasum process load about 50 shared libraries and
 * spend some 14 ms before main (metasum --version: 15.9 ms, 1.9 ms without them), which is
 * most of the time of a small analysis.  The headers still give every call its type. */
#include "metasum/render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <dlfcn.h>
#include <librsvg/rsvg.h>
#include <pthread.h>
#include <strings.h>
#include <string.h>

#include "metasum/metasum.h"
#include "metasum/write.h"

/* The functions used, resolved once. */
static struct {
    int ok;
    RsvgHandle *(*new_from_data)(const guint8 *, gsize, GError **);
    gboolean (*intrinsic_size)(RsvgHandle *, gdouble *, gdouble *);
    gboolean (*render_document)(RsvgHandle *, cairo_t *, const RsvgRectangle *, GError **);
    void (*object_unref)(gpointer);
    cairo_surface_t *(*image_surface_create)(cairo_format_t, int, int);
    cairo_surface_t *(*pdf_surface_create_for_stream)(cairo_write_func_t, void *, double,
                                                       double);
    void (*pdf_surface_set_metadata)(cairo_surface_t *, cairo_pdf_metadata_t, const char *);
    cairo_status_t (*surface_status)(cairo_surface_t *);
    void (*surface_destroy)(cairo_surface_t *);
    void (*surface_finish)(cairo_surface_t *);
    cairo_status_t (*write_to_png_stream)(cairo_surface_t *, cairo_write_func_t, void *);
    cairo_t *(*create)(cairo_surface_t *);
    void (*destroy)(cairo_t *);
} lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_load(void)
{
    /* librsvg brings cairo and GLib; a symbol is looked up in the library and what it loaded */
    void *h = dlopen("librsvg-2.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    int ok = 1;
#define LOAD(field, name)                                                                       \
    do {                                                                                        \
        void *p_ = dlsym(h, name);                                                              \
        if (!p_) ok = 0;                                                                        \
        else memcpy(&lib.field, &p_, sizeof p_); /* POSIX: object to function pointer */        \
    } while (0)
    LOAD(new_from_data, "rsvg_handle_new_from_data");
    LOAD(intrinsic_size, "rsvg_handle_get_intrinsic_size_in_pixels");
    LOAD(render_document, "rsvg_handle_render_document");
    LOAD(object_unref, "g_object_unref");
    LOAD(image_surface_create, "cairo_image_surface_create");
    LOAD(pdf_surface_create_for_stream, "cairo_pdf_surface_create_for_stream");
    LOAD(pdf_surface_set_metadata, "cairo_pdf_surface_set_metadata");
    LOAD(surface_status, "cairo_surface_status");
    LOAD(surface_destroy, "cairo_surface_destroy");
    LOAD(surface_finish, "cairo_surface_finish");
    LOAD(write_to_png_stream, "cairo_surface_write_to_png_stream");
    LOAD(create, "cairo_create");
    LOAD(destroy, "cairo_destroy");
#undef LOAD
    lib.ok = ok; /* the library stays loaded: rendering may come again */
}

int msum_render_available(void)
{
    pthread_once(&lib_once, lib_load);
    return lib.ok;
}

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
    if (!msum_render_available()) return MSUM_EIO;
    RsvgHandle *h = lib.new_from_data((const guint8 *)svg, len, NULL);
    if (!h) return MSUM_EPARSE;
    double w = 0, ht = 0;
    if (!lib.intrinsic_size(h, &w, &ht) || !(w > 0) || !(ht > 0)) {
        lib.object_unref(h);
        return MSUM_EPARSE;
    }
    double scale = f == MSUM_RENDER_PNG ? MSUM_RENDER_PNG_SCALE : 1;
    cairo_surface_t *s =
        f == MSUM_RENDER_PNG
            ? lib.image_surface_create(CAIRO_FORMAT_ARGB32, (int)(w * scale + 0.5),
                                         (int)(ht * scale + 0.5))
            : lib.pdf_surface_create_for_stream(to_file, fp, w, ht);
    if (lib.surface_status(s) != CAIRO_STATUS_SUCCESS) {
        lib.surface_destroy(s);
        lib.object_unref(h);
        return MSUM_ENOMEM;
    }
    if (f == MSUM_RENDER_PDF) {
        /* reproducible bytes: no creation date */
        lib.pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "");
        lib.pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "metasum " MSUM_VERSION);
    }
    cairo_t *cr = lib.create(s);
    RsvgRectangle vp = {0, 0, w * scale, ht * scale};
    int ok = lib.render_document(h, cr, &vp, NULL);
    lib.destroy(cr);
    int st = ok ? MSUM_OK : MSUM_EPARSE;
    if (st == MSUM_OK && f == MSUM_RENDER_PNG &&
        lib.write_to_png_stream(s, to_file, fp) != CAIRO_STATUS_SUCCESS)
        st = MSUM_EIO;
    lib.surface_finish(s);
    if (st == MSUM_OK && lib.surface_status(s) != CAIRO_STATUS_SUCCESS) st = MSUM_EIO;
    lib.surface_destroy(s);
    lib.object_unref(h);
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
