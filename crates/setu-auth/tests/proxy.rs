//! Proxies come from the standard environment variables, except for loopback hosts.
//!
//! This file holds one test because it changes the process environment.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

use setu_auth::{ErrorCode, TokenManager};

#[tokio::test]
async fn https_proxy_from_environment_used() {
    let proxy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = proxy.local_addr().expect("address");
    let seen = thread::spawn(move || {
        let (stream, _) = proxy.accept().expect("the engine connects to the proxy");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("request line");
        let mut stream = stream;
        let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        request_line
    });
    // SAFETY: this test binary runs only this test, so no other thread reads the environment.
    unsafe {
        std::env::set_var("HTTPS_PROXY", format!("http://{address}"));
        std::env::remove_var("NO_PROXY");
    }

    let manager = TokenManager::builder()
        .base_url("https://setu.example")
        .credentials("client", "secret")
        .build()
        .expect("manager");
    let error = manager.token().await.expect_err("the proxy refuses");

    assert_eq!(error.code(), ErrorCode::ConnectionFailed);
    let request_line = seen.join().expect("proxy thread");
    assert!(
        request_line.starts_with("CONNECT setu.example:443"),
        "{request_line}"
    );
}
