/* Links against an installed setu-auth and calls it: used to test the install files. */
#include <setu_auth.h>
#include <stdio.h>

int main(void)
{
    setu_auth_config *config = NULL;
    setu_auth_manager *manager = NULL;
    setu_auth_error *error = setu_auth_config_new(&config);

    if (error != NULL) {
        return 1;
    }
    /* No credentials: creating a manager must fail with invalid_config. */
    error = setu_auth_manager_new(config, &manager);
    setu_auth_config_free(config);
    if (error == NULL || setu_auth_error_code(error) != SETU_AUTH_INVALID_CONFIG) {
        fprintf(stderr, "expected invalid_config\n");
        setu_auth_manager_free(manager);
        setu_auth_error_free(error);
        return 1;
    }

    printf("linked setu-auth: %s\n", setu_auth_code_name(setu_auth_error_code(error)));
    setu_auth_error_free(error);
    return 0;
}
