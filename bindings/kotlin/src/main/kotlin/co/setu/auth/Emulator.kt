package co.setu.auth

/**
 * The in-process Setu emulator for tests: `co.setu.auth.ffi.Emulator`, started with
 * [startEmulator]. See the README for its methods.
 */
typealias Emulator = co.setu.auth.ffi.Emulator

/** Starts an emulator on a free 127.0.0.1 port with the given token lifetimes in seconds. */
fun startEmulator(tokenLifetime: Long = 1800, loginTokenLifetime: Long = 300): Emulator {
    require(tokenLifetime > 0 && loginTokenLifetime > 0) {
        "token lifetimes must be positive seconds, got $tokenLifetime and $loginTokenLifetime"
    }
    return Emulator(co.setu.auth.ffi.EmulatorConfig(tokenLifetime.toULong(), loginTokenLifetime.toULong()))
}
