//! `semey serve`: the platform on an address, with the demo loaded when asked.

use crate::AppState;
pub(super) async fn serve(
    state: &AppState,
    addr: Option<String>,
    demo: bool,
) -> anyhow::Result<()> {
    {
        if demo {
            for line in crate::demo::load_all(&state.store, &state.config).await? {
                println!("{line}");
            }
        }
        let addr = addr.unwrap_or_else(|| state.config.addr.clone());
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!(
            "Semey is listening on http://{} (API docs: /api/docs)",
            listener.local_addr()?
        );
        if state.store.count_users().await? == 0 {
            println!(
                    "No accounts yet. Create the first administrator (the password is read from standard input):\n  semey user add EMAIL --name \"NAME\" --administrator"
                );
        }
        let mut state = state.clone();
        if !state.config.search_dir.is_empty() {
            state.search =
                crate::search::Search::open(Some(std::path::Path::new(&state.config.search_dir)))?;
        }
        let following = state.search.follow(state.store.clone());
        axum::serve(
            listener,
            crate::app(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        following.abort();
        state.store.close().await;
    }
    Ok(())
}
