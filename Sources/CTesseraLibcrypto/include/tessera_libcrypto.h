#ifndef TESSERA_LIBCRYPTO_H
#define TESSERA_LIBCRYPTO_H

#include <stddef.h>

/// Signing through the system's libcrypto (OpenSSL 3), loaded at run time with dlopen so that
/// Tessera builds and runs without it — it then signs with swift-crypto instead.
///
/// OpenSSL 3 on this class of CPU signs RSA-2048 about twice as fast as BoringSSL (AVX-512 IFMA),
/// and the token endpoint's cost floor is its signatures.

/// 1 when libcrypto.so.3 was found and every function resolved; 0 otherwise.
int tessera_libcrypto_available(void);

/// A private key parsed from DER (PKCS#1, SEC1 or PKCS#8); NULL on failure. Free with
/// tessera_libcrypto_free_key. A key may sign from many threads at once.
void *tessera_libcrypto_load_key(const unsigned char *der, size_t length);

void tessera_libcrypto_free_key(void *key);

/// Signs `message` with SHA-256 (RSASSA-PKCS1-v1_5 for RSA keys, DER ECDSA for EC keys) into
/// `signature` (capacity `*signature_length`, updated to the length written). 1 on success.
int tessera_libcrypto_sign_sha256(void *key, const unsigned char *message, size_t message_length,
                                  unsigned char *signature, size_t *signature_length);

#endif
