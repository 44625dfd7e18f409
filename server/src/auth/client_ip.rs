//! Which address a request came from, for rate limits and the audit log.
//!
//! The socket peer is the client, unless the peer is one of the operator's trusted reverse
//! proxies (`SAHABOT_TRUSTED_PROXIES`, default none). Then `X-Forwarded-For` is read from the
//! right: each proxy appends the address it received the request from, so the right-most address
//! that is *not* a trusted proxy is the first one no proxy of ours vouches for — the client.
//! Anything left of it was written by the client and may be made up. From a peer that is not a
//! trusted proxy the header is ignored entirely: anyone can send it.

use std::{
    fmt,
    net::{IpAddr, Ipv6Addr},
};

use axum::http::HeaderMap;

/// One trusted proxy: an address or a CIDR range (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// `203.0.113.7`, `10.0.0.0/8` or `2001:db8::/32`; None when it is none of these.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpRange>);

impl TrustedProxies {
    /// A comma-separated list of addresses and ranges; Err names the entry that is neither.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            ranges.push(IpRange::parse(entry).ok_or_else(|| {
                format!("`{entry}` is not an IP address or a range like 10.0.0.0/8")
            })?);
        }
        Ok(Self(ranges))
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client's address: `peer` unless it is a trusted proxy, then the right-most address in
    /// `X-Forwarded-For` that is not. A malformed entry ends the walk at the last trusted hop:
    /// what lies left of it cannot be vouched for.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly `[v6]` or with a port.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    hop.parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| canonical(s.ip()))
}

/// IPv4 clients reaching an IPv6 socket appear as `::ffff:a.b.c.d`; count them as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The rate-limit bucket of an address. An IPv6 client usually holds a whole /64, so it is
/// counted as one: otherwise every request could come from a fresh address.
pub fn bucket_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", Ipv6Addr::from(prefix))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_match_their_addresses_only() {
        let range = IpRange::parse("10.1.0.0/16").unwrap();
        assert!(range.contains(ip("10.1.200.3")));
        assert!(!range.contains(ip("10.2.0.1")));
        assert!(range.contains(ip("::ffff:10.1.0.9")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(IpRange::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(!IpRange::parse("fd00::/8").unwrap().contains(ip("10.0.0.1")));
        assert_eq!(IpRange::parse("1.2.3.4/33"), None);
        assert_eq!(IpRange::parse("proxy.local"), None);
        assert!(TrustedProxies::parse("10.0.0.1, nonsense")
            .unwrap_err()
            .contains("nonsense"));
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        let spoofed = headers(&["1.1.1.1"]);
        assert_eq!(
            proxies.client_ip(ip("203.0.113.9"), &spoofed),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client_ip(ip("127.0.0.1"), &spoofed),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client made up 6.6.6.6; the first proxy saw 198.51.100.4; a second proxy 10.0.0.2.
        let chain = headers(&["6.6.6.6, 198.51.100.4", "10.0.0.2"]);
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), &chain),
            ip("198.51.100.4")
        );
        // Garbage ends the walk at the last trusted hop.
        let garbage = headers(&["198.51.100.4, not-an-ip, 10.0.0.2"]);
        assert_eq!(proxies.client_ip(ip("10.0.0.1"), &garbage), ip("10.0.0.2"));
        // No header: the proxy itself.
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert_eq!(
            proxies.client_ip(ip("10.0.0.1"), &headers(&["[2001:db8::1]:4711"])),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(bucket_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            bucket_key(ip("2001:db8:1:2:bbbb::7")),
            bucket_key(ip("2001:db8:1:2:aaaa::1"))
        );
        assert_eq!(bucket_key(ip("::ffff:192.0.2.1")), "192.0.2.1");
    }
}
