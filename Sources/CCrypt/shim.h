#ifndef CCRYPT_SHIM_H
#define CCRYPT_SHIM_H
/* libxcrypt (Debian's libcrypt1): crypt_r understands bcrypt hashes ($2a$, $2b$, $2y$). */
#include <crypt.h>
#endif
