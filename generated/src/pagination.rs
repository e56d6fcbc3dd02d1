//! Walking Belvo's paginated lists (`{count, next, previous, results}`) as a stream.
//!
//! The first page comes from any list operation, built as usual with its filters; the next
//! ones are fetched by following the `next` URL Belvo returns (it carries the filters and the
//! page number), through the same hooks as every operation: same authentication, same
//! retries. [`Page`] is implemented by the generator for every page type of the spec (any
//! struct with `next: Option<String>` and `results: Vec<T>`), so every list operation works.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! # async fn run(client: belvo::Client) -> Result<(), belvo::Error> {
//! let mut accounts = client.paginate(client.list_all_accounts().page_size(100).send());
//! // A boxed stream: no pinning needed before `try_next`.
//! while let Some(account) = accounts.try_next().await? {
//!     println!("{:?}", account.name);
//! }
//! # Ok(()) }
//! ```

use std::future::Future;
use std::pin::Pin;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{HeaderValue, ACCEPT};
use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Client, Error, OperationError};

/// One page of a Belvo list. Implemented, by `cargo xtask regen`, for every `*Page` type in
/// [`types`](crate::types).
pub trait Page {
    /// The type of the listed items.
    type Item;
    /// The URL of the next page, `None` on the last.
    fn next_page(&self) -> Option<&str>;
    /// The items of this page, in Belvo's order.
    fn into_items(self) -> Vec<Self::Item>;
}

type PageFuture<'a, P> = Pin<Box<dyn Future<Output = Result<P, Error>> + Send + 'a>>;

enum State<'a, P> {
    First(PageFuture<'a, P>),
    Next(String),
    Failed(Error),
    Done,
}

impl Client {
    /// Every page of a list, starting with the answer to `first` (a list operation's `send()`
    /// future, not awaited) and following `next` until it is null. The stream ends after the
    /// first error.
    pub fn pages<'a, P, E, F>(&'a self, first: F) -> BoxStream<'a, Result<P, Error>>
    where
        F: Future<Output = Result<ResponseValue<P>, OperationError<E>>> + Send + 'a,
        P: Page + DeserializeOwned + Send + 'a,
        E: Serialize + 'a,
    {
        let first: PageFuture<'a, P> = Box::pin(async move { Ok(first.await?.into_inner()) });
        futures::stream::unfold(State::First(first), move |state| async move {
            let (page, fetched) = match state {
                State::First(first) => (first.await, None),
                State::Next(url) => {
                    let page = self.fetch_page::<P>(&url).await;
                    (page, Some(url))
                }
                State::Failed(error) => return Some((Err(error), State::Done)),
                State::Done => return None,
            };
            let page = match page {
                Ok(page) => page,
                Err(error) => return Some((Err(error), State::Done)),
            };
            let next = match page.next_page().filter(|next| !next.is_empty()) {
                None => State::Done,
                // A server bug must not turn into an endless stream.
                Some(next) if fetched.as_deref() == Some(next) => {
                    State::Failed(Error::Other(format!("page {next} links to itself")))
                }
                Some(next) => State::Next(next.to_owned()),
            };
            Some((Ok(page), next))
        })
        .boxed()
    }

    /// Every item of a list, page after page: [`pages`](Self::pages), flattened.
    pub fn paginate<'a, P, E, F>(&'a self, first: F) -> BoxStream<'a, Result<P::Item, Error>>
    where
        F: Future<Output = Result<ResponseValue<P>, OperationError<E>>> + Send + 'a,
        P: Page + DeserializeOwned + Send + 'a,
        P::Item: Send + 'a,
        E: Serialize + 'a,
    {
        self.pages(first)
            .map_ok(|page| futures::stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Fetches one page by URL (a `next` or `previous` link, e.g. one stored to resume a walk
    /// later), with the client's authentication and retries.
    ///
    /// The request goes to the client's own host: a link to another origin (Belvo's host,
    /// seen from behind a proxy or a mock) keeps its path and query but is sent to the
    /// client's base URL, so credentials never go anywhere else.
    pub async fn fetch_page<P: DeserializeOwned>(&self, url: &str) -> Result<P, Error> {
        let url = self.page_url(url)?;
        let mut request = self
            .client()
            .get(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                "api-version",
                HeaderValue::from_static(Client::api_version()),
            )
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let info = OperationInfo {
            operation_id: "fetch_page",
        };
        self.pre::<()>(&mut request, &info).await?;
        let result = self.exec(request, &info).await;
        self.post::<()>(&result, &info).await?;
        let response = result.map_err(Error::Transport)?;
        if !response.status().is_success() {
            return Err(OperationError::<()>::UnexpectedResponse(response).into());
        }
        // Decoded like every operation's body, so a page that does not fit says where.
        Ok(crate::decode::response::<P, ()>(response, &info)
            .await?
            .into_inner())
    }

    /// Where a page link is fetched from: the link itself on the client's origin, else its
    /// path and query on the client's base URL.
    fn page_url(&self, link: &str) -> Result<Url, Error> {
        let base = Url::parse(self.baseurl())
            .map_err(|e| Error::InvalidRequest(format!("the client's base URL: {e}")))?;
        let url = base
            .join(link)
            .map_err(|e| Error::Other(format!("invalid page link {link:?}: {e}")))?;
        if url.origin() == base.origin() {
            return Ok(url);
        }
        let mut rebased = base.clone();
        rebased.set_path(&format!(
            "{}{}",
            base.path().trim_end_matches('/'),
            url.path()
        ));
        rebased.set_query(url.query());
        Ok(rebased)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Client, Credentials, Environment};

    fn client(base: &str) -> Client {
        Client::connect(
            Environment::Custom(base.into()),
            Credentials::new("id", "pw"),
        )
    }

    #[test]
    fn links_stay_on_the_clients_host() {
        let c = client("http://127.0.0.1:4010");
        let same = "http://127.0.0.1:4010/api/accounts/?page=2";
        assert_eq!(c.page_url(same).unwrap().as_str(), same);
        assert_eq!(
            c.page_url("https://sandbox.belvo.com/api/accounts/?page=2&link=x")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:4010/api/accounts/?page=2&link=x"
        );
        assert_eq!(
            c.page_url("/api/owners/?page=3").unwrap().as_str(),
            "http://127.0.0.1:4010/api/owners/?page=3"
        );
        let proxied = client("http://proxy.local/belvo/");
        assert_eq!(
            proxied
                .page_url("https://api.belvo.com/api/links/?page=2")
                .unwrap()
                .as_str(),
            "http://proxy.local/belvo/api/links/?page=2"
        );
    }
}
