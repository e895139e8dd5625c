import SetuAuthFFI

/// The in-process Setu emulator for tests; start one with ``startEmulator(tokenLifetime:loginTokenLifetime:)``.
public typealias Emulator = SetuAuthFFI.Emulator
/// A failure of an emulator call.
public typealias EmulatorError = SetuAuthFFI.EmulatorError
/// The specification of a new emulator key.
public typealias KeySpec = SetuAuthFFI.KeySpec
/// An emulator key with its secret; its text forms never show the secret.
public typealias ApiKey = SetuAuthFFI.ApiKey
/// The emulator's request counters.
public typealias EmulatorStats = SetuAuthFFI.EmulatorStats

/// Starts an emulator on a free 127.0.0.1 port with the given token lifetimes in seconds.
public func startEmulator(tokenLifetime: UInt64 = 1800, loginTokenLifetime: UInt64 = 300) throws -> Emulator {
    try Emulator(config: EmulatorConfig(tokenLifetime: tokenLifetime, loginTokenLifetime: loginTokenLifetime))
}
