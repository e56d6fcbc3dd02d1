//! Where tokens come from: the caller's side of the flow (a prompt, a web form, a queue).

use std::future::Future;

use super::challenge::{Challenge, Token};
use super::error::BoxError;

/// Answers challenges with tokens.
///
/// Implement it for a type, or pass a closure `|challenge: &Challenge| async move { … }`
/// returning `Result<Token, E>` (the future cannot borrow the challenge: clone what it needs).
///
/// ```
/// use belvo::mfa::{Challenge, Token, TokenProvider};
///
/// struct Prompt;
///
/// impl TokenProvider for Prompt {
///     type Error = std::io::Error;
///
///     async fn token(&self, challenge: &Challenge) -> Result<Token, Self::Error> {
///         let hint = challenge.token_generation_data.instructions.as_deref();
///         println!("{}", hint.unwrap_or("Enter your token"));
///         let mut line = String::new();
///         std::io::stdin().read_line(&mut line)?;
///         Ok(Token::new(line.trim()))
///     }
/// }
/// ```
pub trait TokenProvider: Sync {
    /// What the provider fails with (anything convertible to a boxed error, `String` too).
    type Error: Into<BoxError>;

    /// The token for `challenge`, typically typed by the user.
    fn token(
        &self,
        challenge: &Challenge,
    ) -> impl Future<Output = Result<Token, Self::Error>> + Send;

    /// Called instead of [`token`](TokenProvider::token) for a challenge that expects no
    /// input (the user approves on their device); the resume is sent when it returns. The
    /// default returns at once.
    fn confirm(
        &self,
        challenge: &Challenge,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send {
        let _ = challenge;
        // An async block holds no `Self::Error` before it finishes, so it is `Send` for any.
        async { Ok(()) }
    }
}

impl<F, Fut, E> TokenProvider for F
where
    F: Fn(&Challenge) -> Fut + Sync,
    Fut: Future<Output = Result<Token, E>> + Send,
    E: Into<BoxError>,
{
    type Error = E;

    fn token(&self, challenge: &Challenge) -> impl Future<Output = Result<Token, E>> + Send {
        self(challenge)
    }
}
