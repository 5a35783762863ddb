//! The `Actor` every handler receives: whom a request acts for, and from where.

use axum::extract::ConnectInfo;
use semey_domain::access::Principal;
use std::net::SocketAddr;

/// Where a request came from, for the audit trail and the sign-in limit: the connecting
/// address, or, when that is one of the `trusted` proxies (addresses or `address/bits`
/// networks), the client they forwarded for (`Forwarded: for=…` or `X-Forwarded-For`, read
/// from the right, skipping the trusted proxies). Headers from anyone else are ignored.
pub fn address_of(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    trusted: &[String],
) -> String {
    let Some(peer) = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".to_owned();
    };
    if !is_trusted(peer, trusted) {
        return peer.to_string();
    }
    let mut hops: Vec<String> = Vec::new();
    for v in headers.get_all("forwarded") {
        for element in v.to_str().unwrap_or("").split(',') {
            for pair in element.split(';') {
                if let Some((k, val)) = pair.trim().split_once('=') {
                    if k.trim().eq_ignore_ascii_case("for") {
                        let val = val.trim().trim_matches('"');
                        // `[2001:db8::1]:4711`, `192.0.2.1:4711`, or a bare address.
                        let host = match val.strip_prefix('[') {
                            Some(rest) => rest.split(']').next().unwrap_or(""),
                            None if val.matches(':').count() == 1 => {
                                val.split(':').next().unwrap_or("")
                            }
                            None => val,
                        };
                        hops.push(host.to_owned());
                    }
                }
            }
        }
    }
    if hops.is_empty() {
        for v in headers.get_all("x-forwarded-for") {
            hops.extend(
                v.to_str()
                    .unwrap_or("")
                    .split(',')
                    .map(|h| h.trim().to_owned()),
            );
        }
    }
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if is_trusted(ip, trusted) => continue,
            Ok(ip) => return ip.to_string(),
            // A hop that is no address (`unknown`, an obfuscated name) ends the trail.
            Err(_) => break,
        }
    }
    peer.to_string()
}

/// Whether `ip` is one of the configured proxies.
fn is_trusted(ip: std::net::IpAddr, trusted: &[String]) -> bool {
    trusted.iter().any(|t| {
        let (net, bits) = match t.split_once('/') {
            Some((n, b)) => (n, b.parse::<u32>().ok()),
            None => (t.as_str(), None),
        };
        match (net.trim().parse::<std::net::IpAddr>(), ip) {
            (Ok(std::net::IpAddr::V4(n)), std::net::IpAddr::V4(a)) => {
                let bits = bits.unwrap_or(32).min(32);
                let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (Ok(std::net::IpAddr::V6(n)), std::net::IpAddr::V6(a)) => {
                let bits = bits.unwrap_or(128).min(128);
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    })
}

/// The principal of a request and where it came from, as handlers receive them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub address: String,
}

impl Actor {
    /// The command line, for services called outside HTTP.
    pub fn command_line() -> Self {
        Self {
            principal: Principal::command_line(),
            address: "local".to_owned(),
        }
    }

    /// Someone not signed in, from `address` (security events: refused requests, failed
    /// sign-ins).
    pub fn anonymous(address: &str) -> Self {
        Self {
            principal: Principal::anonymous(),
            address: address.to_owned(),
        }
    }

    /// The command line run by an operator, named in the audit trail by their system account.
    pub fn operator() -> Self {
        let who = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Self {
            principal: Principal::command_line(),
            address: format!("local ({who})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{Extensions, HeaderMap};

    fn from(peer: &str, headers: &[(&str, &str)], trusted: &[&str]) -> String {
        let mut ext = Extensions::new();
        ext.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 40000)));
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let trusted: Vec<String> = trusted.iter().map(|t| t.to_string()).collect();
        address_of(&ext, &h, &trusted)
    }

    #[test]
    fn only_trusted_proxies_name_the_client() {
        let xff = [("x-forwarded-for", "198.51.100.9, 10.0.0.2")];
        // Nobody trusted: the header is anyone's to write, and ignored.
        assert_eq!(from("203.0.113.5", &xff, &[]), "203.0.113.5");
        // From a trusted proxy: the nearest hop that is not a trusted proxy.
        assert_eq!(from("10.0.0.1", &xff, &["10.0.0.0/8"]), "198.51.100.9");
        assert_eq!(from("10.0.0.1", &xff, &["10.0.0.1"]), "10.0.0.2");
        // A forger behind the proxy cannot pick an address further left.
        let forged = [("x-forwarded-for", "192.0.2.1, 198.51.100.9")];
        assert_eq!(from("10.0.0.1", &forged, &["10.0.0.0/8"]), "198.51.100.9");
        // `Forwarded` wins over `X-Forwarded-For`, with ports and IPv6 in brackets.
        let fwd = [
            ("forwarded", "for=\"[2001:db8::7]:4711\";proto=https"),
            ("x-forwarded-for", "198.51.100.9"),
        ];
        assert_eq!(from("::1", &fwd, &["::1"]), "2001:db8::7");
        assert_eq!(
            from(
                "10.0.0.1",
                &[("forwarded", "for=192.0.2.60:80")],
                &["10.0.0.1"]
            ),
            "192.0.2.60"
        );
        // No header from a trusted proxy: the proxy itself.
        assert_eq!(from("10.0.0.1", &[], &["10.0.0.1"]), "10.0.0.1");
    }
}
