/* fake_cudnn.c: a CPU stand-in for libcudnn.so.9, for testing the Java cuDNN bindings without a
 * GPU. No cudnn.h is installed, so the prototypes are written from NVIDIA's cuDNN 9 API reference,
 * the same source the Java descriptors follow; this checks marshalling (dims, strides, pads, the
 * AlgoPerf struct, scalars) and computes a naive NCDHW float32 forward convolution. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int cudnnStatus_t;
#define OK 0
#define BAD_PARAM 2000

typedef struct { int type, n, dims[8], strides[8]; } Tensor;
typedef struct { int type, format, n, dims[8]; } Filter;
typedef struct { int n, pad[6], stride[6], dil[6], mode, compute, math, groups; } Conv;
typedef struct { int algo, status; float time; size_t memory; int determinism, mathType, reserved[3]; } AlgoPerf;

size_t cudnnGetVersion(void) { return 91002; }
const char *cudnnGetErrorString(cudnnStatus_t s) { return s == BAD_PARAM ? "CUDNN_STATUS_BAD_PARAM" : "CUDNN_STATUS_?"; }
cudnnStatus_t cudnnCreate(void **h) { *h = malloc(8); return OK; }
cudnnStatus_t cudnnDestroy(void *h) { free(h); return OK; }
cudnnStatus_t cudnnSetStream(void *h, void *s) { (void)h; (void)s; return OK; }

cudnnStatus_t cudnnCreateTensorDescriptor(Tensor **d) { *d = calloc(1, sizeof(Tensor)); return OK; }
cudnnStatus_t cudnnDestroyTensorDescriptor(Tensor *d) { free(d); return OK; }
cudnnStatus_t cudnnSetTensorNdDescriptor(Tensor *d, int type, int n, const int *dims, const int *strides) {
    if (n < 3 || n > 8) return BAD_PARAM;
    d->type = type; d->n = n;
    for (int i = 0; i < n; i++) { if (dims[i] <= 0) return BAD_PARAM; d->dims[i] = dims[i]; d->strides[i] = strides[i]; }
    return OK;
}
cudnnStatus_t cudnnCreateFilterDescriptor(Filter **d) { *d = calloc(1, sizeof(Filter)); return OK; }
cudnnStatus_t cudnnDestroyFilterDescriptor(Filter *d) { free(d); return OK; }
cudnnStatus_t cudnnSetFilterNdDescriptor(Filter *d, int type, int format, int n, const int *dims) {
    d->type = type; d->format = format; d->n = n; memcpy(d->dims, dims, sizeof(int) * (size_t)n); return OK;
}
cudnnStatus_t cudnnCreateConvolutionDescriptor(Conv **d) { *d = calloc(1, sizeof(Conv)); (*d)->groups = 1; return OK; }
cudnnStatus_t cudnnDestroyConvolutionDescriptor(Conv *d) { free(d); return OK; }
cudnnStatus_t cudnnSetConvolutionNdDescriptor(Conv *d, int n, const int *pad, const int *stride, const int *dil, int mode, int compute) {
    d->n = n; d->mode = mode; d->compute = compute;
    memcpy(d->pad, pad, sizeof(int) * (size_t)n); memcpy(d->stride, stride, sizeof(int) * (size_t)n); memcpy(d->dil, dil, sizeof(int) * (size_t)n);
    return OK;
}
cudnnStatus_t cudnnSetConvolutionMathType(Conv *d, int math) { d->math = math; return OK; }
cudnnStatus_t cudnnSetConvolutionGroupCount(Conv *d, int g) { d->groups = g; return OK; }

cudnnStatus_t cudnnGetConvolutionNdForwardOutputDim(const Conv *c, const Tensor *x, const Filter *w, int n, int *out) {
    if (n != x->n || n != w->n || c->n != n - 2) return BAD_PARAM;
    out[0] = x->dims[0]; out[1] = w->dims[0];
    for (int i = 0; i < c->n; i++)
        out[2 + i] = (x->dims[2 + i] + 2 * c->pad[i] - (c->dil[i] * (w->dims[2 + i] - 1) + 1)) / c->stride[i] + 1;
    return OK;
}

/* Two candidates whatever the problem: algo 1 (no workspace) and algo 6 (1 MiB), math type from the descriptor. */
static void fill_perf(const Conv *c, int requested, int *returned, AlgoPerf *p) {
    *returned = requested < 2 ? requested : 2;
    AlgoPerf a = {1, OK, 0.5f, 0, 1, c->math, {0, 0, 0}}, b = {6, OK, 0.25f, 1u << 20, 0, c->math, {0, 0, 0}};
    if (*returned > 0) p[0] = b;
    if (*returned > 1) p[1] = a;
}
cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(void *h, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y,
                                                     int req, int *ret, AlgoPerf *p) {
    (void)h; (void)x; (void)w; (void)y; fill_perf(c, req, ret, p); return OK;
}
cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(void *h, const Filter *w, const Tensor *dy, const Conv *c, const Tensor *dx,
                                                          int req, int *ret, AlgoPerf *p) {
    (void)h; (void)w; (void)dy; (void)dx; fill_perf(c, req, ret, p); return OK;
}
cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(void *h, const Tensor *x, const Tensor *dy, const Conv *c, const Filter *dw,
                                                            int req, int *ret, AlgoPerf *p) {
    (void)h; (void)x; (void)dy; (void)dw; fill_perf(c, req, ret, p); return OK;
}
cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(void *h, const Tensor *x, const Filter *w, const Conv *c, const Tensor *y, int algo, size_t *bytes) {
    (void)h; (void)x; (void)w; (void)c; (void)y; *bytes = algo == 6 ? 1u << 20 : 0; return OK;
}

/* Naive float32 cross-correlation, NCDHW (strides honoured for x and y), groups = 1. */
cudnnStatus_t cudnnConvolutionForward(void *h, const void *alpha, const Tensor *xd, const void *x, const Filter *wd, const void *w,
                                      const Conv *c, int algo, void *ws, size_t wsBytes, const void *beta, const Tensor *yd, void *y) {
    (void)h; (void)ws;
    if (xd->n != 5 || xd->type != 0 || (algo == 6 && wsBytes < (1u << 20))) return BAD_PARAM;
    const float *X = x, *W = w; float *Y = y; float al = *(const float *)alpha, be = *(const float *)beta;
    int N = yd->dims[0], K = yd->dims[1], C = xd->dims[1];
    for (int n = 0; n < N; n++) for (int k = 0; k < K; k++)
    for (int od = 0; od < yd->dims[2]; od++) for (int oh = 0; oh < yd->dims[3]; oh++) for (int ow = 0; ow < yd->dims[4]; ow++) {
        double s = 0;
        for (int ci = 0; ci < C; ci++)
        for (int kd = 0; kd < wd->dims[2]; kd++) for (int kh = 0; kh < wd->dims[3]; kh++) for (int kw = 0; kw < wd->dims[4]; kw++) {
            int id = od * c->stride[0] - c->pad[0] + kd * c->dil[0], ih = oh * c->stride[1] - c->pad[1] + kh * c->dil[1],
                iw = ow * c->stride[2] - c->pad[2] + kw * c->dil[2];
            if (id < 0 || ih < 0 || iw < 0 || id >= xd->dims[2] || ih >= xd->dims[3] || iw >= xd->dims[4]) continue;
            float xv = X[n * xd->strides[0] + ci * xd->strides[1] + id * xd->strides[2] + ih * xd->strides[3] + iw * xd->strides[4]];
            float wv = W[(((k * C + ci) * wd->dims[2] + kd) * wd->dims[3] + kh) * wd->dims[4] + kw];
            s += (double)xv * wv;
        }
        float *o = &Y[n * yd->strides[0] + k * yd->strides[1] + od * yd->strides[2] + oh * yd->strides[3] + ow * yd->strides[4]];
        *o = (float)(al * s + (be == 0 ? 0 : be * *o));
    }
    return OK;
}
