//! [`Preset`]: the presets, the log layouts axlog knows by name, with their names,
//! aliases and definitions. Which parser reads each is in `parser.rs`.

use std::fmt;

/// Caddy's `http.log.access` entries.
pub(crate) const CADDY: &str = "ts=ts:s,client=request.client_ip,client=request.remote_ip,method=request.method,uri=request.uri,status=status,bytes=size,latency=duration:s,user_agent=request.headers.User-Agent.0,referer=request.headers.Referer.0";
/// Traefik's JSON access log (durations in nanoseconds).
pub(crate) const TRAEFIK: &str = "ts=StartUTC,ts=time,client=ClientHost,user=ClientUsername,method=RequestMethod,uri=RequestPath,status=DownstreamStatus,bytes=DownstreamContentSize,latency=Duration:ns,upstream_latency=OriginDuration:ns,upstream_status=OriginStatus,referer=request_Referer,user_agent=request_User-Agent";
/// nginx `escape=json` layouts keyed by variable name (with or without `$`).
pub(crate) const NGINX_JSON: &str = "ts=time_iso8601,ts=time_local,ts=msec:s,ts=@timestamp,ts=time,ts=timestamp,client=remote_addr,user=remote_user,request=request,method=request_method,uri=request_uri,uri=uri,status=status,bytes=body_bytes_sent,bytes=bytes_sent,referer=http_referer,user_agent=http_user_agent,latency=request_time:s,upstream_latency=upstream_response_time:s";

/// Traefik's common log format in Apache's syntax (what `axlog formats` shows, and what a
/// user would paste as a `--log-format`).
pub(crate) const TRAEFIK_CLF: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{request_count}e "%{router}e" "%{server_url}e" %{ms}Tms"#;

/// A log layout axlog knows by name (a preset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// nginx's stock `combined` log_format.
    NginxCombined,
    /// `combined` followed by ` $request_time $upstream_response_time`.
    NginxTimed,
    /// `combined` followed by ` $request_time` (the ISUCON/alp convention).
    NginxCombinedRt,
    /// nginx's `main` from its default configuration: `combined` + `"$http_x_forwarded_for"`.
    NginxMain,
    /// ingress-nginx's `upstreaminfo`.
    IngressUpstreaminfo,
    /// Apache's `common` (CLF): `combined` without referer and user agent.
    ApacheCommon,
    /// Apache's `vhost_combined`: `%v:%p` before `combined`.
    ApacheVhostCombined,
    /// Caddy's JSON access log.
    CaddyJson,
    /// Traefik's JSON access log.
    TraefikJson,
    /// Traefik's common log format: `combined`, then request count, router, server URL
    /// and duration.
    TraefikClf,
    /// nginx `escape=json` layouts whose keys are the variable names.
    NginxJson,
    /// HAProxy's httplog, tcplog, httpslog and their CLF forms, behind any syslog prefix.
    Haproxy,
}

impl Preset {
    /// Every preset, the more specific first: detection breaks ties in this order.
    pub const ALL: [Preset; 12] = [
        Preset::Haproxy,
        Preset::CaddyJson,
        Preset::TraefikJson,
        Preset::NginxJson,
        Preset::NginxTimed,
        Preset::NginxCombinedRt,
        Preset::IngressUpstreaminfo,
        Preset::TraefikClf,
        Preset::ApacheVhostCombined,
        Preset::NginxMain,
        Preset::ApacheCommon,
        Preset::NginxCombined,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Preset::NginxCombined => "nginx-combined",
            Preset::NginxTimed => "nginx-timed",
            Preset::NginxCombinedRt => "nginx-combined-rt",
            Preset::NginxMain => "nginx-main",
            Preset::IngressUpstreaminfo => "ingress-upstreaminfo",
            Preset::ApacheCommon => "apache-common",
            Preset::ApacheVhostCombined => "apache-vhost-combined",
            Preset::CaddyJson => "caddy-json",
            Preset::TraefikJson => "traefik-json",
            Preset::TraefikClf => "traefik-clf",
            Preset::NginxJson => "nginx-json",
            Preset::Haproxy => "haproxy",
        }
    }

    /// Other names a preset answers to: Apache's `combined` is nginx's, field for field.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Preset::NginxCombined => &["combined", "apache-combined"],
            Preset::ApacheCommon => &["common", "clf"],
            Preset::NginxMain => &["main"],
            Preset::NginxTimed => &["timed"],
            Preset::NginxCombinedRt => &["combined-rt"],
            Preset::IngressUpstreaminfo => &["upstreaminfo"],
            Preset::ApacheVhostCombined => &["vhost-combined", "vhost_combined"],
            Preset::CaddyJson => &["caddy"],
            Preset::TraefikJson => &["traefik"],
            Preset::TraefikClf => &["traefik-common"],
            Preset::NginxJson => &["json"],
            Preset::Haproxy => &["haproxy-http", "haproxy-tcp", "httplog", "tcplog"],
        }
    }

    /// The layout's definition, as the server's configuration writes it.
    pub fn definition(self) -> &'static str {
        match self {
            Preset::NginxCombined => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#
            }
            Preset::NginxTimed => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time"#
            }
            Preset::NginxMain => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#
            }
            Preset::NginxCombinedRt => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time"#
            }
            Preset::ApacheCommon => r#"%h %l %u %t "%r" %>s %b"#,
            Preset::CaddyJson => CADDY,
            Preset::TraefikJson => TRAEFIK,
            Preset::TraefikClf => TRAEFIK_CLF,
            Preset::NginxJson => NGINX_JSON,
            Preset::Haproxy => {
                "option httplog / tcplog / httpslog (and their clf forms), raw or behind a syslog header (RFC 3164, RFC 5424, ISO 8601)"
            }
            Preset::ApacheVhostCombined => {
                r#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#
            }
            Preset::IngressUpstreaminfo => {
                r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"#
            }
        }
    }

    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|l| l.name() == name || l.aliases().contains(&name))
    }

    /// Whether the preset reads JSON lines (its definition is a key mapping).
    pub fn is_json(self) -> bool {
        matches!(
            self,
            Preset::CaddyJson | Preset::TraefikJson | Preset::NginxJson
        )
    }

    /// Whether the preset's definition is a definition in nginx or Apache syntax
    /// that [`crate::logformat::Definition::compile_any`] takes.
    pub fn is_log_format(self) -> bool {
        !self.is_json() && self != Preset::Haproxy
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
