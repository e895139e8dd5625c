/* Shared setup for the API tests. */
#include "fixture.h"

#include <stdio.h>

#include "check.h"

int fixture_start(fixture *fx, const char *key_spec)
{
    fx->config = NULL;
    if (emulator_start(&fx->emu, 1800, 300) != 0) {
        return -1;
    }
    if (emulator_create_key(&fx->emu, key_spec ? key_spec : "{\"name\":\"main\"}", &fx->key) !=
        0) {
        emulator_stop(&fx->emu);
        return -1;
    }

    CHECK_OK(setu_auth_config_new(&fx->config));
    CHECK_OK(setu_auth_config_set_credentials(fx->config, fx->key.client_id, fx->key.secret));
    CHECK_OK(setu_auth_config_set_base_url(fx->config, fx->emu.url));
    CHECK_OK(setu_auth_config_set_min_backoff_ms(fx->config, 10));
    CHECK_OK(setu_auth_config_set_max_backoff_ms(fx->config, 50));
    CHECK_OK(setu_auth_config_set_negative_ttl_ms(fx->config, 1));
    return fx->config == NULL ? -1 : 0;
}

setu_auth_manager *fixture_manager(const fixture *fx)
{
    setu_auth_manager *manager = NULL;
    CHECK_OK(setu_auth_manager_new(fx->config, &manager));
    return manager;
}

int fixture_fault(const fixture *fx, const char *fault_json)
{
    return emulator_admin(&fx->emu, "POST", "/faults", fault_json, NULL) == 204 ? 0 : -1;
}

void fixture_stop(fixture *fx)
{
    setu_auth_config_free(fx->config);
    fx->config = NULL;
    emulator_stop(&fx->emu);
}
