//! Sign-in through OpenID Connect, as the State's agent identity federation (ProConnect)
//! works: authorization code with PKCE (S256), `state` and `nonce`, an ID token checked
//! against the provider's keys, then the userinfo endpoint (a signed JWT at ProConnect, plain
//! JSON elsewhere). The account is found by its bound `sub`, else by its e-mail address, to
//! which the `sub` is then bound; there is no account creation here: an administrator opens
//! accounts.
//!
//! The provider's metadata and keys are discovered at the first sign-in and kept for
//! [`METADATA_TTL`]; the provider being down at start-up does not stop ceres.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ceres_domain::Clock;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreIdToken, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse,
    CoreTokenResponse,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret,
    CsrfToken, EmptyAdditionalClaims, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    HttpRequest, HttpResponse, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, StandardErrorResponse, TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tokio::sync::Mutex;

/// How long discovered metadata and keys are trusted before they are fetched again.
pub const METADATA_TTL: Duration = Duration::from_secs(3600);

/// The OpenID Connect settings, from `CERES_OIDC_*`.
#[derive(Clone)]
pub struct OidcSettings {
    /// The provider's issuer URL, e.g. `https://auth.agentconnect.gouv.fr/api/v2`.
    pub issuer: String,
    pub client_id: String,
    /// Never printed.
    pub client_secret: String,
    /// ceres's `/connexion/oidc/retour`, as registered at the provider.
    pub redirect_url: String,
    /// ceres's `/connexion`, where the provider sends the browser back after sign-out.
    pub post_logout_redirect_url: String,
    /// Scopes asked for besides `openid`, e.g. `email given_name usual_name`.
    pub scopes: Vec<String>,
    /// The button's label on the sign-in page.
    pub button_label: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// ProConnect's claims beyond the standard ones.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AgentClaims {
    /// The agent's family name as used (ProConnect's `usual_name`).
    #[serde(default)]
    pub usual_name: Option<String>,
}

impl AdditionalClaims for AgentClaims {}

type OidcClient = Client<
    EmptyAdditionalClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    CoreTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why an OpenID Connect sign-in failed. The messages hold no personal data: the provider's
/// answers are never copied into them.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the provider's metadata could not be fetched: {0}")]
    Discovery(String),
    #[error("the authorization code could not be exchanged: {0}")]
    TokenExchange(String),
    #[error("the provider sent no ID token")]
    NoIdToken,
    #[error("the ID token does not verify: {0}")]
    IdToken(String),
    #[error("userinfo could not be read: {0}")]
    UserInfo(String),
    #[error("the answer's state does not match the request's")]
    StateMismatch,
    #[error("{0}")]
    Configuration(String),
}

/// What the web session keeps between sending the browser to the provider and its return.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct ProvenIdentity {
    pub subject: String,
    /// Present and verified, or `None`.
    pub email: Option<String>,
    /// The raw ID token, for the sign-out request.
    pub id_token: String,
}

struct Discovered {
    client: OidcClient,
    end_session: Option<EndSessionUrl>,
    fetched: Instant,
}

/// The OpenID Connect relying party.
pub struct Oidc {
    settings: OidcSettings,
    http: HttpClient,
    discovered: Mutex<Option<Arc<Discovered>>>,
    clock: Arc<dyn Clock>,
}

impl Oidc {
    /// A relying party for these settings; nothing is fetched until the first sign-in.
    pub fn new(settings: OidcSettings, clock: Arc<dyn Clock>) -> Result<Oidc, OidcError> {
        IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Configuration(format!("issuer URL: {e}")))?;
        RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| OidcError::Configuration(format!("redirect URL: {e}")))?;
        Ok(Oidc {
            settings,
            http: HttpClient::new()?,
            discovered: Mutex::new(None),
            clock,
        })
    }

    /// The settings.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The issuer's origin (`https://host:port`), which the Content-Security-Policy lets
    /// forms go to (sign-out redirects there).
    pub fn issuer_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.settings.issuer).ok()?;
        Some(url.origin().ascii_serialization())
    }

    // Known limit: the provider's keys are fetched again only after METADATA_TTL, so a key
    // the provider rotates in less than that fails sign-ins until then (lifted by fetching
    // the keys again when an ID token names an unknown `kid`).
    async fn discovered(&self) -> Result<Arc<Discovered>, OidcError> {
        let mut cached = self.discovered.lock().await;
        if let Some(discovered) = cached.as_ref()
            && discovered.fetched.elapsed() < METADATA_TTL
        {
            return Ok(discovered.clone());
        }

        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| OidcError::Configuration(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Discovery(error_chain(&e)))?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let redirect = RedirectUrl::new(self.settings.redirect_url.clone())
            .map_err(|e| OidcError::Configuration(e.to_string()))?;
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        let discovered = Arc::new(Discovered {
            client,
            end_session,
            fetched: Instant::now(),
        });
        *cached = Some(discovered.clone());
        Ok(discovered)
    }

    /// Where to send the browser to sign in, and what to keep until it comes back.
    pub async fn begin(&self) -> Result<(url::Url, PendingSignIn), OidcError> {
        let discovered = self.discovered().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = discovered.client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        Ok((
            url,
            PendingSignIn {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
            },
        ))
    }

    /// Completes a sign-in from the provider's answer: checks `state`, exchanges the code
    /// with the PKCE verifier, verifies the ID token (signature, issuer, audience, expiry,
    /// nonce, access-token hash) and reads userinfo.
    pub async fn finish(
        &self,
        pending: &PendingSignIn,
        code: &str,
        state: &str,
    ) -> Result<ProvenIdentity, OidcError> {
        if !bool::from(pending.state.as_bytes().ct_eq(state.as_bytes())) {
            return Err(OidcError::StateMismatch);
        }
        let discovered = self.discovered().await?;
        let client = &discovered.client;

        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Configuration(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::TokenExchange(token_error(&e)))?;
        let id_token = tokens.id_token().ok_or(OidcError::NoIdToken)?;

        let clock = self.clock.clone();
        let verifier = client.id_token_verifier().set_time_fn(move || {
            let now = clock.now();
            chrono::DateTime::from_timestamp(now.as_second(), now.subsec_nanosecond() as u32)
                .unwrap_or_default()
        });
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = id_token
            .claims(&verifier, &nonce)
            .map_err(|e| OidcError::IdToken(e.to_string()))?;
        if let Some(expected) = claims.access_token_hash() {
            let signing_alg = id_token
                .signing_alg()
                .map_err(|e| OidcError::IdToken(e.to_string()))?;
            let signing_key = id_token
                .signing_key(&verifier)
                .map_err(|e| OidcError::IdToken(e.to_string()))?;
            let actual =
                AccessTokenHash::from_token(tokens.access_token(), signing_alg, signing_key)
                    .map_err(|e| OidcError::IdToken(e.to_string()))?;
            if actual != *expected {
                return Err(OidcError::IdToken("access token hash mismatch".into()));
            }
        }
        let subject = claims.subject().clone();

        let userinfo: UserInfoClaims<AgentClaims, CoreGenderClaim> = client
            .user_info(tokens.access_token().clone(), Some(subject.clone()))
            .map_err(|e| OidcError::Configuration(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::UserInfo(userinfo_error(&e)))?;
        let email = userinfo
            .email()
            .or(claims.email())
            .filter(|_| userinfo.email_verified().or(claims.email_verified()) != Some(false))
            .map(|email| email.as_str().to_owned());

        Ok(ProvenIdentity {
            subject: subject.as_str().to_owned(),
            email,
            id_token: id_token.to_string(),
        })
    }

    /// Where to send the browser to end the provider's session too, when it says how.
    pub async fn logout_url(&self, id_token: &str) -> Option<url::Url> {
        let discovered = self.discovered().await.ok()?;
        let end_session = discovered.end_session.clone()?;
        let id_token: CoreIdToken = id_token.parse().ok()?;
        let redirect =
            PostLogoutRedirectUrl::new(self.settings.post_logout_redirect_url.clone()).ok()?;
        let request: LogoutRequest = end_session.into();
        Some(
            request
                .set_id_token_hint(&id_token)
                .set_client_id(ClientId::new(self.settings.client_id.clone()))
                .set_post_logout_redirect_uri(redirect)
                .set_state(CsrfToken::new_random())
                .http_get_url(),
        )
    }
}

/// An error and its causes, without the bodies of the provider's answers.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn token_error<RE: std::error::Error + 'static>(
    error: &openidconnect::RequestTokenError<RE, StandardErrorResponse<CoreErrorResponseType>>,
) -> String {
    match error {
        openidconnect::RequestTokenError::ServerResponse(response) => {
            format!("provider refused: {}", response.error())
        }
        openidconnect::RequestTokenError::Request(e) => format!("request: {}", error_chain(e)),
        openidconnect::RequestTokenError::Parse(e, _) => format!("unreadable answer: {e}"),
        openidconnect::RequestTokenError::Other(e) => e.clone(),
    }
}

fn userinfo_error<RE: std::error::Error + 'static>(
    error: &openidconnect::UserInfoError<RE>,
) -> String {
    match error {
        openidconnect::UserInfoError::Response(status, _, reason) => {
            format!("HTTP {status}: {reason}")
        }
        openidconnect::UserInfoError::Request(e) => format!("request: {}", error_chain(e)),
        other => other.to_string(),
    }
}

/// The HTTP client the relying party speaks to the provider with: no redirects followed
/// (they would open the way to server-side request forgery), a short timeout, TLS with the
/// machine's certificate authorities.
struct HttpClient(reqwest::Client);

/// Why a request to the provider failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(transparent)]
    Reqwest(#[from] reqwest::Error),
    #[error(transparent)]
    Http(#[from] http::Error),
}

impl HttpClient {
    fn new() -> Result<HttpClient, OidcError> {
        crate::install_tls_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| OidcError::Configuration(format!("HTTP client: {e}")))?;
        Ok(HttpClient(client))
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for HttpClient {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.0.execute(request.try_into()?).await?;
            let mut answer = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let body = response.bytes().await?.to_vec();
            Ok(answer.body(body)?)
        })
    }
}
