//! `uniffi-bindgen`: generates the Kotlin and Swift sources of `setu-auth-uniffi` from the
//! built library (library mode).

fn main() {
    uniffi::uniffi_bindgen_main()
}
