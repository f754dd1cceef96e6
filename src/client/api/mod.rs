//! Typed OCP calls, one file per API family (ocp-api.md §3).
//!
//! Verbs have one meaning each: `find_*` returns `Option` (`None` = OCP does not have it),
//! `list_*` returns every item (all pages), `create_*` returns [`super::Created`] (new or
//! adopted, design rule R2), and async operations return the [`super::TaskInstance`] to wait
//! for with [`super::OcpClient::wait_task`].

pub mod backup;
pub mod cluster;
pub mod compute;
pub mod db;
pub mod obproxy;
pub mod parameters;
pub mod restore;
pub mod tenant;
pub mod user;

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::{ClientError, Created, OcpClient, Secret};

/// Maps a 404 to `None`, for `find_*` calls.
pub(crate) fn not_found_as_none<T>(r: Result<T, ClientError>) -> Result<Option<T>, ClientError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The object in a create's answer, or, when the answer carries none (no `data`, or `data`
/// without the `key` name field), the object looked up after the create. OCP accepted the
/// create either way; a look-up that finds nothing is reported as an unreadable answer.
async fn created_object<T, F, Fut>(
    path: &str,
    data: Value,
    key: &str,
    what: &str,
    lookup: F,
) -> Result<T, ClientError>
where
    T: DeserializeOwned,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<T>, ClientError>>,
{
    let named = data
        .get(key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if named {
        return serde_json::from_value(data).map_err(|e| {
            let message = format!("the created {what} has an unexpected shape ({e})");
            ClientError::decode("POST", path, message)
        });
    }
    match lookup().await? {
        Some(found) => Ok(found),
        None => Err(ClientError::decode(
            "POST",
            path,
            format!(
                "OCP accepted the create but its answer carries no {what}, and the {what} \
                 could not be found afterwards"
            ),
        )),
    }
}

impl OcpClient {
    /// `DELETE path`: the answer's `data` when deleted, `None` when OCP answers 404 (already
    /// gone, also after a repeated DELETE whose first answer was lost).
    pub(crate) async fn delete_if_present(&self, path: &str) -> Result<Option<Value>, ClientError> {
        not_found_as_none(self.delete::<Value>(path).await)
    }

    /// `DELETE path`: `true` when deleted, `false` when it was already gone (404).
    pub(crate) async fn delete_existing(&self, path: &str) -> Result<bool, ClientError> {
        Ok(self.delete_if_present(path).await?.is_some())
    }

    /// A synchronous action that is safe to repeat (lock, modify, grant, ...): `POST path`
    /// with `body` through [`OcpClient::send_json`] (retried), the answer's `data` ignored.
    pub(crate) async fn post_action<B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<(), ClientError> {
        let sent = self.send_json::<_, Value>(reqwest::Method::POST, path, body);
        sent.await.map(drop)
    }

    /// `POST {object}/lock` or `POST {object}/unlock` (no body; sync, idempotent).
    pub(crate) async fn set_locked(&self, object: &str, locked: bool) -> Result<(), ClientError> {
        let action = if locked { "lock" } else { "unlock" };
        self.post_action(&format!("{object}/{action}"), &()).await
    }

    /// `POST {object}/changePassword {newPassword, saveToCredential: false}` (sync; repeating
    /// it sets the same value). The password is never logged nor echoed in an error.
    pub(crate) async fn change_password(
        &self,
        object: &str,
        new_password: &Secret,
    ) -> Result<(), ClientError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            new_password: &'a Secret,
            save_to_credential: bool,
        }
        let body = Body {
            new_password,
            save_to_credential: false,
        };
        self.post_action(&format!("{object}/changePassword"), &body)
            .await
            .map_err(|e| e.mask(new_password))
    }

    /// `POST path` creating an object whose name is in the answer's `key` field, through
    /// [`OcpClient::post_create`] with `lookup`; an answer without the object (`what` in
    /// messages) is completed by the same look-up.
    pub(crate) async fn create_named<B, T, F, Fut>(
        &self,
        path: &str,
        body: &B,
        key: &str,
        what: &str,
        lookup: F,
    ) -> Result<Created<T>, ClientError>
    where
        B: Serialize + ?Sized,
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<T>, ClientError>>,
    {
        match self
            .post_create::<_, Value, _, _, _>(path, body, &lookup)
            .await?
        {
            Created::New(data) => created_object(path, data, key, what, lookup)
                .await
                .map(Created::New),
            Created::Adopted(v) => Ok(Created::Adopted(v)),
            Created::Existing(v) => Ok(Created::Existing(v)),
        }
    }
}

/// Percent-encodes one path segment (zone and user names go into paths, §1.5), or a query
/// key or value of a signed request (`client::signing`): all but RFC 3986's unreserved
/// characters, upper-case hex.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(path_segment("zone1"), "zone1");
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
    }
}
