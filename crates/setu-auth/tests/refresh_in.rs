//! `refresh_in`: how long a binding may keep the token that `token()` returned.

mod common;

use std::time::Duration;

use common::{Setup, within};

#[tokio::test]
async fn refresh_in_reports_time_to_refresh_point_without_counting() {
    let setup = Setup::with_lifetime(1800);
    let manager = setup.manager();
    let token = within(manager.token()).await.expect("token");

    let left = manager.refresh_in(token.as_str()).expect("fresh token");
    assert!(left > Duration::from_secs(1000), "{left:?}");
    assert!(left <= Duration::from_secs(1800), "{left:?}");
    assert_eq!(manager.stats().cache_hits, 0);
}

#[tokio::test]
async fn refresh_in_is_none_for_another_or_discarded_token() {
    let setup = Setup::new();
    let manager = setup.manager();
    let token = within(manager.token()).await.expect("token");

    assert_eq!(manager.refresh_in("not-the-current-token"), None);
    assert!(manager.invalidate(token.as_str()));
    assert_eq!(manager.refresh_in(token.as_str()), None);
}
