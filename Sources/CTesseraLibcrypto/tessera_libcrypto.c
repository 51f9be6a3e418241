#include "tessera_libcrypto.h"

#include <dlfcn.h>
#include <pthread.h>

// The few libcrypto functions used, declared here so that no OpenSSL headers are needed to build.
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;

static struct {
    EVP_PKEY *(*d2i_AutoPrivateKey)(EVP_PKEY **, const unsigned char **, long);
    void (*EVP_PKEY_free)(EVP_PKEY *);
    EVP_MD_CTX *(*EVP_MD_CTX_new)(void);
    void (*EVP_MD_CTX_free)(EVP_MD_CTX *);
    const EVP_MD *(*EVP_sha256)(void);
    int (*EVP_DigestSignInit)(EVP_MD_CTX *, void **, const EVP_MD *, void *, EVP_PKEY *);
    int (*EVP_DigestSign)(EVP_MD_CTX *, unsigned char *, size_t *, const unsigned char *, size_t);
    int loaded;
} lib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return;
#define RESOLVE(name) if ((*(void **)&lib.name = dlsym(handle, #name)) == NULL) return;
    RESOLVE(d2i_AutoPrivateKey)
    RESOLVE(EVP_PKEY_free)
    RESOLVE(EVP_MD_CTX_new)
    RESOLVE(EVP_MD_CTX_free)
    RESOLVE(EVP_sha256)
    RESOLVE(EVP_DigestSignInit)
    RESOLVE(EVP_DigestSign)
#undef RESOLVE
    lib.loaded = 1;
}

int tessera_libcrypto_available(void) {
    pthread_once(&load_once, load);
    return lib.loaded;
}

void *tessera_libcrypto_load_key(const unsigned char *der, size_t length) {
    if (!tessera_libcrypto_available()) return NULL;
    const unsigned char *cursor = der;
    return lib.d2i_AutoPrivateKey(NULL, &cursor, (long)length);
}

void tessera_libcrypto_free_key(void *key) {
    if (key != NULL && tessera_libcrypto_available()) lib.EVP_PKEY_free((EVP_PKEY *)key);
}

int tessera_libcrypto_sign_sha256(void *key, const unsigned char *message, size_t message_length,
                                  unsigned char *signature, size_t *signature_length) {
    if (key == NULL || !tessera_libcrypto_available()) return 0;
    EVP_MD_CTX *context = lib.EVP_MD_CTX_new();
    if (context == NULL) return 0;
    int ok = lib.EVP_DigestSignInit(context, NULL, lib.EVP_sha256(), NULL, (EVP_PKEY *)key) == 1
        && lib.EVP_DigestSign(context, signature, signature_length, message, message_length) == 1;
    lib.EVP_MD_CTX_free(context);
    return ok;
}
