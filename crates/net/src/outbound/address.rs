//! Which addresses and URLs outbound requests may target: an SSRF filter over IPv4/IPv6
//! special-purpose ranges, and the checks a user-supplied URL must pass before it is stored or
//! called.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// The longest URL accepted, in bytes.
const MAX_URL_LEN: usize = 2048;

/// Who outbound requests may reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Only public internet addresses: the production setting.
    PublicOnly,
    /// Any address, loopback and private networks included: an explicit configuration opt-in for
    /// tests and self-hosted setups whose receivers live on the local network.
    AnyAddress,
}

/// Why a user-supplied URL was refused. `Display` is a client-facing fragment meant to follow
/// the field name, e.g. "url must be an http or https URL".
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// Longer than 2048 bytes.
    #[error("must be at most 2048 characters long")]
    TooLong,
    /// Not an absolute URL.
    #[error("must be a valid absolute URL")]
    Invalid,
    /// A scheme other than `http` or `https`.
    #[error("must be an http or https URL")]
    UnsupportedScheme,
    /// No host to connect to.
    #[error("must include a host")]
    MissingHost,
    /// A `user:password@` part.
    #[error("must not include a user name or password")]
    Credentials,
    /// An IP-literal host that is not a public address.
    #[error("must not point to a private, loopback or link-local address")]
    NotPublic,
    /// `localhost` or a `*.localhost` name.
    #[error("must not point to localhost")]
    Localhost,
}

/// IPv4 blocks that are never a public destination, as (network, prefix length).
const V4_REFUSED: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8), // "this network", includes unspecified 0.0.0.0
    (Ipv4Addr::new(10, 0, 0, 0), 8), // private
    (Ipv4Addr::new(100, 64, 0, 0), 10), // CGNAT shared address space
    (Ipv4Addr::new(127, 0, 0, 0), 8), // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16), // link-local, includes cloud metadata 169.254.169.254
    (Ipv4Addr::new(172, 16, 0, 0), 12), // private
    (Ipv4Addr::new(192, 0, 0, 0), 24), // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24), // documentation TEST-NET-1
    (Ipv4Addr::new(192, 88, 99, 0), 24), // deprecated 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16), // private
    (Ipv4Addr::new(198, 18, 0, 0), 15), // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation TEST-NET-2
    (Ipv4Addr::new(203, 0, 113, 0), 24), // documentation TEST-NET-3
    (Ipv4Addr::new(224, 0, 0, 0), 4), // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4), // reserved, includes broadcast 255.255.255.255
];

/// The IPv6 global unicast space; everything outside it (and outside the IPv4-embedding
/// prefixes) is refused: `::`, `::1`, discard `100::/64`, local NAT64 `64:ff9b:1::/48`,
/// ULA `fc00::/7` (incl. AWS metadata `fd00:ec2::254`), link-local `fe80::/10`, site-local
/// `fec0::/10`, multicast `ff00::/8`, SRv6 `5f00::/16` and all unallocated space.
const V6_GLOBAL_UNICAST: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// Blocks inside global unicast that are still not public destinations.
const V6_REFUSED: &[(Ipv6Addr, u8)] = &[
    // IETF protocol assignments: Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID, anycast
    // service addresses; none is a webhook receiver.
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0x0db8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),      // documentation (RFC 9637)
];

/// Whether `ip` is a public internet address that outbound requests may reach with
/// [`Reach::PublicOnly`]. IPv6 addresses embedding an IPv4 address (IPv4-mapped
/// `::ffff:0:0/96`, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by
/// the embedded address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_is_public(v4),
        IpAddr::V6(v6) => v6_is_public(v6),
    }
}

/// Keeps the public addresses among `addrs`, in order: the resolver's filter.
pub fn filter_public(addrs: impl IntoIterator<Item = SocketAddr>) -> Vec<SocketAddr> {
    addrs
        .into_iter()
        .filter(|addr| is_public(addr.ip()))
        .collect()
}

/// Checks a user-supplied URL and parses it: `http`/`https` only, a host, no credentials, at
/// most 2048 bytes. With [`Reach::PublicOnly`] an IP-literal host must be public and
/// `localhost`/`*.localhost` is refused; host names are otherwise judged at connect time by the
/// resolver of [`super::client`].
pub fn check_url(raw: &str, reach: Reach) -> Result<Url, UrlProblem> {
    if raw.len() > MAX_URL_LEN {
        return Err(UrlProblem::TooLong);
    }
    let url = Url::parse(raw).map_err(|_| UrlProblem::Invalid)?;
    if url.as_str().len() > MAX_URL_LEN {
        return Err(UrlProblem::TooLong);
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlProblem::UnsupportedScheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    let host = url.host().ok_or(UrlProblem::MissingHost)?;
    if reach == Reach::PublicOnly {
        match host {
            Host::Ipv4(ip) if !v4_is_public(ip) => return Err(UrlProblem::NotPublic),
            Host::Ipv6(ip) if !v6_is_public(ip) => return Err(UrlProblem::NotPublic),
            Host::Domain(name) if is_localhost(name) => return Err(UrlProblem::Localhost),
            _ => {}
        }
    }
    Ok(url)
}

fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

fn v4_is_public(ip: Ipv4Addr) -> bool {
    !V4_REFUSED.iter().any(|&(net, len)| in_v4(ip, net, len))
}

fn v6_is_public(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return v4_is_public(v4);
    }
    let (net, len) = V6_GLOBAL_UNICAST;
    in_v6(ip, net, len) && !V6_REFUSED.iter().any(|&(net, len)| in_v6(ip, net, len))
}

/// The IPv4 address an IPv6 address stands for, when it is one of the embedding forms.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = ip.to_bits();
    let low32 = Ipv4Addr::from_bits((bits & 0xffff_ffff) as u32);
    let mapped = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0);
    let compatible = Ipv6Addr::UNSPECIFIED;
    let nat64 = Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0);
    let six_to_four = Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0);
    if in_v6(ip, mapped, 96) || in_v6(ip, compatible, 96) || in_v6(ip, nat64, 96) {
        Some(low32)
    } else if in_v6(ip, six_to_four, 16) {
        Some(Ipv4Addr::from_bits((bits >> 80) as u32))
    } else {
        None
    }
}

fn in_v4(ip: Ipv4Addr, net: Ipv4Addr, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    ip.to_bits() & mask == net.to_bits() & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    ip.to_bits() & mask == net.to_bits() & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> IpAddr {
        IpAddr::V4(s.parse().unwrap())
    }

    fn v6(s: &str) -> IpAddr {
        IpAddr::V6(s.parse().unwrap())
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// (range, first, last, just before, just after); `None` where the neighbour is itself refused.
    type Edges = (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    );

    const V4_EDGES: &[Edges] = &[
        ("0/8", "0.0.0.0", "0.255.255.255", None, Some("1.0.0.0")),
        (
            "10/8",
            "10.0.0.0",
            "10.255.255.255",
            Some("9.255.255.255"),
            Some("11.0.0.0"),
        ),
        (
            "100.64/10",
            "100.64.0.0",
            "100.127.255.255",
            Some("100.63.255.255"),
            Some("100.128.0.0"),
        ),
        (
            "127/8",
            "127.0.0.0",
            "127.255.255.255",
            Some("126.255.255.255"),
            Some("128.0.0.0"),
        ),
        (
            "169.254/16",
            "169.254.0.0",
            "169.254.255.255",
            Some("169.253.255.255"),
            Some("169.255.0.0"),
        ),
        (
            "172.16/12",
            "172.16.0.0",
            "172.31.255.255",
            Some("172.15.255.255"),
            Some("172.32.0.0"),
        ),
        (
            "192.0.0/24",
            "192.0.0.0",
            "192.0.0.255",
            Some("191.255.255.255"),
            Some("192.0.1.0"),
        ),
        (
            "192.0.2/24",
            "192.0.2.0",
            "192.0.2.255",
            Some("192.0.1.255"),
            Some("192.0.3.0"),
        ),
        (
            "192.88.99/24",
            "192.88.99.0",
            "192.88.99.255",
            Some("192.88.98.255"),
            Some("192.88.100.0"),
        ),
        (
            "192.168/16",
            "192.168.0.0",
            "192.168.255.255",
            Some("192.167.255.255"),
            Some("192.169.0.0"),
        ),
        (
            "198.18/15",
            "198.18.0.0",
            "198.19.255.255",
            Some("198.17.255.255"),
            Some("198.20.0.0"),
        ),
        (
            "198.51.100/24",
            "198.51.100.0",
            "198.51.100.255",
            Some("198.51.99.255"),
            Some("198.51.101.0"),
        ),
        (
            "203.0.113/24",
            "203.0.113.0",
            "203.0.113.255",
            Some("203.0.112.255"),
            Some("203.0.114.0"),
        ),
        (
            "224/4",
            "224.0.0.0",
            "239.255.255.255",
            Some("223.255.255.255"),
            None,
        ),
        ("240/4", "240.0.0.0", "255.255.255.255", None, None),
    ];

    const V6_EDGES: &[Edges] = &[
        (
            "2001::/23",
            "2001::",
            "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            Some("2001:200::"),
        ),
        (
            "2001:db8::/32",
            "2001:db8::",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"),
            Some("2001:db9::"),
        ),
        (
            "3fff::/20",
            "3fff::",
            "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
            Some("3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            Some("3fff:1000::"),
        ),
        (
            "fc00::/7",
            "fc00::",
            "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            None,
            None,
        ),
        (
            "fe80::/10",
            "fe80::",
            "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            None,
            None,
        ),
        (
            "fec0::/10",
            "fec0::",
            "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            None,
            None,
        ),
        (
            "ff00::/8",
            "ff00::",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            None,
            None,
        ),
        ("100::/64", "100::", "100::ffff:ffff:ffff:ffff", None, None),
        (
            "64:ff9b:1::/48",
            "64:ff9b:1::",
            "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
            None,
            None,
        ),
        (
            "below 2000::/3",
            "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            None,
            Some("2000::"),
        ),
        (
            "above 2000::/3",
            "4000::",
            "4000::",
            Some("3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            None,
        ),
    ];

    fn assert_edges(table: &[Edges]) {
        for &(range, first, last, before, after) in table {
            assert!(
                !is_public(ip(first)),
                "{range}: first address {first} must be refused"
            );
            assert!(
                !is_public(ip(last)),
                "{range}: last address {last} must be refused"
            );
            for outside in [before, after].into_iter().flatten() {
                assert!(
                    is_public(ip(outside)),
                    "{range}: neighbour {outside} must be public"
                );
            }
        }
    }

    #[test]
    fn every_refused_ipv4_range_is_refused_from_first_to_last_address_and_no_further() {
        assert_edges(V4_EDGES);
    }

    #[test]
    fn every_refused_ipv6_range_is_refused_from_first_to_last_address_and_no_further() {
        assert_edges(V6_EDGES);
    }

    #[test]
    fn well_known_public_addresses_are_public() {
        for addr in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.215.14",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
        ] {
            assert!(is_public(ip(addr)), "{addr} must be public");
        }
    }

    #[test]
    fn unspecified_loopback_and_broadcast_are_refused() {
        for addr in ["0.0.0.0", "127.0.0.1", "255.255.255.255", "::", "::1"] {
            assert!(!is_public(ip(addr)), "{addr} must be refused");
        }
    }

    #[test]
    fn cloud_metadata_addresses_are_refused() {
        assert!(!is_public(v4("169.254.169.254")));
        assert!(
            !is_public(v4("100.100.100.200")),
            "Alibaba metadata sits in CGNAT space"
        );
        assert!(!is_public(v6("fd00:ec2::254")));
        assert!(!is_public(v6("::ffff:169.254.169.254")));
        assert!(!is_public(v6("64:ff9b::169.254.169.254")));
    }

    #[test]
    fn ipv4_mapped_ipv6_addresses_are_judged_by_their_ipv4_address() {
        assert!(!is_public(v6("::ffff:127.0.0.1")));
        assert!(!is_public(v6("::ffff:10.1.2.3")));
        assert!(!is_public(v6("::ffff:0.0.0.0")));
        assert!(is_public(v6("::ffff:8.8.8.8")));
    }

    #[test]
    fn ipv4_compatible_ipv6_addresses_are_judged_by_their_ipv4_address() {
        assert!(!is_public(v6("::127.0.0.1")));
        assert!(!is_public(v6("::192.168.0.1")));
        assert!(is_public(v6("::8.8.8.8")));
    }

    #[test]
    fn nat64_addresses_are_judged_by_their_ipv4_address() {
        assert!(!is_public(v6("64:ff9b::127.0.0.1")));
        assert!(!is_public(v6("64:ff9b::10.0.0.1")));
        assert!(is_public(v6("64:ff9b::8.8.8.8")));
        assert!(is_public(v6("64:ff9b::ffff:ffff")) == is_public(v4("255.255.255.255")));
    }

    #[test]
    fn six_to_four_addresses_are_judged_by_their_embedded_ipv4_address() {
        assert!(!is_public(v6("2002:7f00:1::1")), "6to4 of 127.0.0.1");
        assert!(!is_public(v6("2002:c0a8:101::")), "6to4 of 192.168.1.1");
        assert!(
            !is_public(v6("2002:a9fe:a9fe::1")),
            "6to4 of 169.254.169.254"
        );
        assert!(is_public(v6("2002:808:808::1")), "6to4 of 8.8.8.8");
    }

    #[test]
    fn teredo_addresses_are_refused_whatever_they_embed() {
        assert!(!is_public(v6("2001:0:4136:e378:8000:63bf:3fff:fdd2")));
        assert!(!is_public(v6("2001::ffff:ffff")));
    }

    #[test]
    fn filter_public_keeps_only_public_addresses_in_order() {
        let addrs: Vec<SocketAddr> = [
            "127.0.0.1:80",
            "8.8.8.8:80",
            "[::1]:443",
            "[2606:4700:4700::1111]:443",
            "10.0.0.1:80",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let kept = filter_public(addrs);
        let expected: Vec<SocketAddr> = vec![
            "8.8.8.8:80".parse().unwrap(),
            "[2606:4700:4700::1111]:443".parse().unwrap(),
        ];
        assert_eq!(kept, expected);
        assert!(filter_public(["127.0.0.1:80".parse().unwrap()]).is_empty());
    }

    #[test]
    fn a_public_https_url_is_accepted_and_parsed() {
        let url = check_url("https://hooks.example.com/path?q=1", Reach::PublicOnly).unwrap();
        assert_eq!(url.host_str(), Some("hooks.example.com"));
        assert!(check_url("http://8.8.8.8:8080/", Reach::PublicOnly).is_ok());
        assert!(check_url("http://[2606:4700:4700::1111]/", Reach::PublicOnly).is_ok());
    }

    #[test]
    fn schemes_other_than_http_and_https_are_refused() {
        for raw in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "gopher://example.com/",
            "javascript:alert(1)",
            "data:text/plain,x",
        ] {
            assert_eq!(
                check_url(raw, Reach::AnyAddress),
                Err(UrlProblem::UnsupportedScheme),
                "{raw}"
            );
        }
    }

    #[test]
    fn relative_or_malformed_urls_are_refused() {
        for raw in [
            "/relative",
            "example.com",
            "",
            "http://exa mple.com/",
            "http://[::1/",
        ] {
            assert_eq!(
                check_url(raw, Reach::AnyAddress),
                Err(UrlProblem::Invalid),
                "{raw}"
            );
        }
    }

    #[test]
    fn urls_with_credentials_are_refused() {
        assert_eq!(
            check_url("https://user:pass@example.com/", Reach::AnyAddress),
            Err(UrlProblem::Credentials)
        );
        assert_eq!(
            check_url("https://user@example.com/", Reach::AnyAddress),
            Err(UrlProblem::Credentials)
        );
        assert_eq!(
            check_url("https://:pass@example.com/", Reach::AnyAddress),
            Err(UrlProblem::Credentials)
        );
    }

    #[test]
    fn urls_longer_than_2048_bytes_are_refused() {
        let base = "https://example.com/";
        let at_limit = format!("{base}{}", "a".repeat(MAX_URL_LEN - base.len()));
        assert!(check_url(&at_limit, Reach::PublicOnly).is_ok());
        let over = format!("{at_limit}a");
        assert_eq!(
            check_url(&over, Reach::PublicOnly),
            Err(UrlProblem::TooLong)
        );
        let grows_when_encoded = format!("{base}{}", "\"".repeat(MAX_URL_LEN - base.len()));
        assert_eq!(
            check_url(&grows_when_encoded, Reach::PublicOnly),
            Err(UrlProblem::TooLong)
        );
    }

    #[test]
    fn private_ip_literal_hosts_are_refused_only_when_public_only() {
        for raw in [
            "http://127.0.0.1/",
            "http://10.0.0.1:8080/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[fd00:ec2::254]/",
            "http://0.0.0.0/",
        ] {
            assert_eq!(
                check_url(raw, Reach::PublicOnly),
                Err(UrlProblem::NotPublic),
                "{raw}"
            );
            assert!(check_url(raw, Reach::AnyAddress).is_ok(), "{raw}");
        }
    }

    #[test]
    fn obfuscated_ipv4_literals_are_normalised_then_refused() {
        for raw in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://0/",
        ] {
            assert_eq!(
                check_url(raw, Reach::PublicOnly),
                Err(UrlProblem::NotPublic),
                "{raw}"
            );
        }
    }

    #[test]
    fn localhost_names_are_refused_only_when_public_only() {
        for raw in [
            "http://localhost/",
            "http://LOCALHOST:3000/",
            "http://localhost./",
            "http://api.localhost/",
            "http://a.b.localhost./",
        ] {
            assert_eq!(
                check_url(raw, Reach::PublicOnly),
                Err(UrlProblem::Localhost),
                "{raw}"
            );
            assert!(check_url(raw, Reach::AnyAddress).is_ok(), "{raw}");
        }
        assert!(check_url("http://localhost.example.com/", Reach::PublicOnly).is_ok());
        assert!(check_url("http://mylocalhost/", Reach::PublicOnly).is_ok());
    }

    #[test]
    fn problems_read_as_client_facing_messages() {
        assert_eq!(
            UrlProblem::UnsupportedScheme.to_string(),
            "must be an http or https URL"
        );
        assert_eq!(
            UrlProblem::NotPublic.to_string(),
            "must not point to a private, loopback or link-local address"
        );
    }
}
