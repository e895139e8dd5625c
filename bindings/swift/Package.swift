// swift-tools-version:5.9
// The setu-auth Swift package: idiomatic wrappers (SetuAuth) over the Swift sources that
// uniffi generates (SetuAuthFFI) from the setu-auth-uniffi library.
import Foundation
import PackageDescription

/// Folder holding libsetu_auth_uniffi: SETU_AUTH_LIB_DIR, or the checkout's debug build.
let libDir: String = {
    if let dir = ProcessInfo.processInfo.environment["SETU_AUTH_LIB_DIR"], !dir.isEmpty {
        return dir
    }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    return package.appendingPathComponent("../../target/debug").standardizedFileURL.path
}()

let package = Package(
    name: "SetuAuth",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "SetuAuth", targets: ["SetuAuth"])
    ],
    targets: [
        .systemLibrary(name: "setu_auth_uniffiFFI", path: "Sources/setu_auth_uniffiFFI"),
        .target(
            name: "SetuAuthFFI",
            dependencies: ["setu_auth_uniffiFFI"],
            path: "Sources/SetuAuthFFI",
            linkerSettings: [
                .linkedLibrary("setu_auth_uniffi"),
                .unsafeFlags(["-L\(libDir)", "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .target(name: "SetuAuth", dependencies: ["SetuAuthFFI"]),
        .testTarget(name: "SetuAuthTests", dependencies: ["SetuAuth"]),
    ]
)
