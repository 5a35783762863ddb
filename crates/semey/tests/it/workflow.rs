//! The approval workflow through the workspace's forms, on both backends: an editor's change is
//! a proposal the public does not see; a coordinator returns it with a reason or approves and
//! publishes it; the forbidden steps are refused and change nothing.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use semey_domain::access::Role;

async fn send(
    app: &TestApp,
    method: Method,
    uri: &str,
    token: &str,
    body: &str,
) -> (StatusCode, Option<String>, String) {
    let answer = app
        .call(method, uri)
        .token(token)
        .body(
            "application/x-www-form-urlencoded",
            body.as_bytes().to_vec(),
        )
        .send()
        .await;
    (answer.status, answer.location(), answer.text())
}

async fn token(app: &TestApp, email: &str, role: Role, org: Option<&str>) -> String {
    app.user(email, role, org).await.token
}

on_both_backends! {
    async fn an_editors_change_waits_for_a_coordinator(app: TestApp) {
        let app = app.with_demo().await;
        let (_, list) = app.get("/api/v1/programmes?q=Dose-rate").await;
        let programme = list["items"][0].clone();
        let pid = programme["id"].as_str().unwrap().to_owned();
        let owner = programme["reporting_org_id"].as_str().unwrap().to_owned();
        let editor = token(&app, "editor@nnc.kz", Role::Editor, Some(&owner)).await;
        let coordinator = token(&app, "coordinator@semey.kz", Role::Coordinator, None).await;
        let old_title = programme["title"]["en"].as_str().unwrap().to_owned();

        // The editor changes the title through the form: a draft, the public page unchanged.
        let form = format!(
            "iati_identifier={}&title.en=Dose-rate+surveys%2C+second+round&status=2&areas[]=radiation_safety&sectors[0].vocabulary=dac5&sectors[0].code=74020&sectors[0].percentage=100&reporting_org_id={owner}",
            programme["iati_identifier"].as_str().unwrap()
        )
        .replace('[', "%5B")
        .replace(']', "%5D");
        let (status, location, _) = send(&app, Method::POST, &format!("/workspace/programmes/{pid}"), &editor, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = location.unwrap();
        assert!(location.starts_with("/workspace/proposals/"), "{location}");
        let proposal = location.trim_start_matches("/workspace/proposals/").trim_end_matches("?saved=1").to_owned();
        let (_, public) = app.request_as(None, Method::GET, &format!("/api/v1/programmes/{pid}"), None).await;
        assert_eq!(public["title"]["en"], old_title.as_str(), "the published version stays until approval");

        // Its page shows the change side by side, in the reader's language.
        let (status, _, page) = send(&app, Method::GET, &format!("/workspace/proposals/{proposal}?lang=ru"), &editor, "").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Черновик") && page.contains("Dose-rate surveys, second round") && page.contains(&old_title), "{page}");
        assert!(page.contains(r#"id="step-submit""#) && !page.contains(r#"id="step-approve""#));

        // Forbidden steps: the editor approving, publishing a draft.
        let (status, _, _) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/approve?lang=en"), &editor, "").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = send(&app, Method::POST, &format!("/api/v1/proposals/{proposal}/publish"), &coordinator, "").await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Submitted, returned with a reason (a reason is required), never published while returned.
        let (status, _, _) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/submit"), &editor, "").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, queue) = app.get("/api/v1/proposals?state=submitted").await;
        assert_eq!(queue.as_array().unwrap().len(), 1, "in the coordinators' queue");
        let (status, _, _) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/return"), &coordinator, "reason=").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, _) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/return"), &coordinator, "reason=Say+which+villages").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/publish"), &coordinator, "").await;
        assert_eq!(status, StatusCode::CONFLICT, "a returned proposal is not published");
        let (_, page) = (0, send(&app, Method::GET, &format!("/workspace/proposals/{proposal}?lang=en"), &editor, "").await.2);
        assert!(page.contains("Returned because: Say which villages"), "{page}");

        // The editor changes the returned proposal through its form: a draft again.
        let (status, _, page) = send(&app, Method::GET, &format!("/workspace/proposals/{proposal}/edit?lang=en"), &editor, "").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(r#"value="Dose-rate surveys, second round""#), "the form holds what was proposed");
        let changed = form.replace("second+round", "second+round+in+Dolon+and+Sarzhal");
        let (status, _, _) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/edit"), &editor, &changed).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, p) = app.get(&format!("/api/v1/proposals/{proposal}")).await;
        assert_eq!((p["state"].as_str(), p["content"]["title"]["en"].as_str()), (Some("draft"), Some("Dose-rate surveys, second round in Dolon and Sarzhal")));

        // Sent again, approved and published: now everyone sees it.
        for (who, step) in [(&editor, "submit"), (&coordinator, "approve"), (&coordinator, "publish")] {
            let (status, _, body) = send(&app, Method::POST, &format!("/workspace/proposals/{proposal}/{step}"), who, "").await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{step}: {body}");
        }
        let (_, public) = app.request_as(None, Method::GET, &format!("/api/v1/programmes/{pid}"), None).await;
        assert_eq!(public["title"]["en"], "Dose-rate surveys, second round in Dolon and Sarzhal");
        let (_, p) = app.get(&format!("/api/v1/proposals/{proposal}")).await;
        assert_eq!((p["state"].as_str(), p["published_id"].as_str()), (Some("published"), Some(pid.as_str())));
        let (status, _, page) = send(&app, Method::GET, "/workspace/proposals?lang=kk", &coordinator, "").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Жарияланды"));

        // A second change of the same record lists the first among its versions.
        let (_, location, _) = send(&app, Method::POST, &format!("/workspace/programmes/{pid}"), &editor, &form).await;
        let second = location.unwrap().trim_start_matches("/workspace/proposals/").trim_end_matches("?saved=1").to_owned();
        let (_, _, page) = send(&app, Method::GET, &format!("/workspace/proposals/{second}?lang=en"), &editor, "").await;
        assert!(page.contains("Other versions of this record") && page.contains(&format!("/workspace/proposals/{proposal}")), "{page}");
    }
}
