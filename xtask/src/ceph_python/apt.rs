//! Downloading a suite's packages with `apt-get download` under a private apt configuration.
//!
//! The private configuration has its own sources list (one suite, `main`, the native
//! architecture), state, lists and cache directories, so the system's apt configuration and
//! package lists stay untouched. The mirror and the keyring come from the system's own Debian
//! sources, so whichever mirror the machine is configured with is used, and apt verifies the
//! suite's signature against the system's archive keyring as usual. Signature checking is never
//! relaxed: a suite whose key is missing fails `apt-get update`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::{Release, output};
use crate::process;

/// Where Debian 12 and later describe their sources (deb822), and the older one-line list.
const SYSTEM_SOURCES: &str = "/etc/apt/sources.list.d/debian.sources";
const SYSTEM_SOURCES_LIST: &str = "/etc/apt/sources.list";

/// The Debian mirror the system uses, and how apt verifies it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Mirror {
    pub(crate) uri: String,
    /// The `Signed-By` value, verbatim (a keyring path, fingerprints or an inline key).
    pub(crate) signed_by: Option<String>,
}

/// Downloads `packages` of `release`'s suite and extracts them into `work/root/`.
///
/// Returns each package with its version, in the order given. The apt state and the downloaded
/// `.deb` files are removed afterwards.
pub(super) fn fetch_and_extract(
    release: Release,
    packages: &[&str],
    work: &Path,
) -> anyhow::Result<Vec<(String, String)>> {
    let mirror = system_mirror()?;
    let apt_dir = work.join("apt");
    let debs = work.join("debs");
    let root = work.join("root");
    for dir in [
        apt_dir.join("state/lists/partial"),
        apt_dir.join("cache/archives/partial"),
        debs.clone(),
        root.clone(),
    ] {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    let architecture = output(Command::new("dpkg").arg("--print-architecture"))?;
    let sources = apt_dir.join("private.sources");
    std::fs::write(
        &sources,
        sources_stanza(&mirror, release.suite, architecture.trim()),
    )
    .with_context(|| format!("could not write {}", sources.display()))?;
    // An empty dpkg status: nothing counts as installed, whatever the host has.
    std::fs::write(apt_dir.join("state/status"), "")?;

    let options = private_options(&apt_dir, &sources);
    process::run(
        Command::new("apt-get")
            .args(&options)
            .args(["-q", "update"]),
    )
    .with_context(|| {
        format!(
            "could not read the {} suite from the mirror configured in the system's apt sources \
             ({}); if apt reports NO_PUBKEY, the system's archive keyring predates the suite's \
             signing key",
            release.suite, mirror.uri
        )
    })?;
    process::run(
        Command::new("apt-get")
            .args(&options)
            .args(["-q", "download"])
            .args(packages)
            .current_dir(&debs),
    )?;

    let mut versions = Vec::new();
    for package in packages {
        let deb = find_deb(&debs, package)?;
        let fields = output(
            Command::new("dpkg-deb")
                .arg("-f")
                .arg(&deb)
                .args(["Version"]),
        )?;
        versions.push(((*package).to_owned(), fields.trim().to_owned()));
        process::run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root))?;
    }
    std::fs::remove_dir_all(&apt_dir)?;
    std::fs::remove_dir_all(&debs)?;
    Ok(versions)
}

/// The `-o` options that point apt at the private configuration in `apt_dir`.
fn private_options(apt_dir: &Path, sources: &Path) -> Vec<String> {
    let dir = apt_dir.display();
    [
        format!("Dir::State={dir}/state"),
        format!("Dir::State::status={dir}/state/status"),
        format!("Dir::Cache={dir}/cache"),
        format!("Dir::Etc::SourceList={}", sources.display()),
        "Dir::Etc::SourceParts=/dev/null".to_owned(),
        // The system's pins are about its own suites; none applies here.
        "Dir::Etc::Preferences=/dev/null".to_owned(),
        "Dir::Etc::PreferencesParts=/dev/null".to_owned(),
        // Only the package index is needed, not AppStream metadata or translations.
        "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false".to_owned(),
        "Acquire::Languages=none".to_owned(),
        // The cache usually lies under a home directory that apt's unprivileged `_apt` user
        // cannot enter, so apt would download as root anyway, with a warning per file. Saying
        // so here only silences the warning; signatures and hashes are checked all the same.
        "APT::Sandbox::User=root".to_owned(),
    ]
    .into_iter()
    .flat_map(|option| ["-o".to_owned(), option])
    .collect()
}

/// A deb822 stanza for one suite of `mirror`.
fn sources_stanza(mirror: &Mirror, suite: &str, architecture: &str) -> String {
    let signed_by = mirror
        .signed_by
        .as_ref()
        .map(|signed_by| format!("Signed-By: {signed_by}\n"))
        .unwrap_or_default();
    format!(
        "Types: deb\nURIs: {}\nSuites: {suite}\nComponents: main\nArchitectures: {architecture}\n\
         {signed_by}",
        mirror.uri
    )
}

fn find_deb(debs: &Path, package: &str) -> anyhow::Result<PathBuf> {
    let prefix = format!("{package}_");
    for entry in std::fs::read_dir(debs)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".deb") {
            return Ok(path);
        }
    }
    bail!(
        "apt-get download left no {package}_*.deb in {}",
        debs.display()
    )
}

/// The Debian mirror from the system's sources: the deb822 file if present, else the list.
pub(crate) fn system_mirror() -> anyhow::Result<Mirror> {
    let found = if let Ok(text) = std::fs::read_to_string(SYSTEM_SOURCES) {
        mirror_from_deb822(&text)
    } else {
        let text = std::fs::read_to_string(SYSTEM_SOURCES_LIST)
            .with_context(|| format!("found neither {SYSTEM_SOURCES} nor {SYSTEM_SOURCES_LIST}"))?;
        mirror_from_one_line(&text)
    };
    found.with_context(|| {
        format!(
            "the system's apt sources ({SYSTEM_SOURCES} or {SYSTEM_SOURCES_LIST}) name no \
             Debian suite with `main` to take the mirror from"
        )
    })
}

/// Whether `suite` is a release suite, not one of its security, updates or backports companions.
fn is_release_suite(suite: &str) -> bool {
    !suite.contains('-') && !suite.contains('/')
}

/// The first enabled `deb` stanza with a release suite and `main`, from a deb822 sources file.
fn mirror_from_deb822(text: &str) -> Option<Mirror> {
    parse_deb822(text).into_iter().find_map(|stanza| {
        let field = |name: &str| {
            stanza
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
        };
        let has = |name: &str, wanted: &dyn Fn(&str) -> bool| {
            field(name).is_some_and(|value| value.split_whitespace().any(wanted))
        };
        let enabled = field("Enabled").is_none_or(|value| value.trim() != "no");
        let usable = enabled
            && has("Types", &|word| word == "deb")
            && has("Components", &|word| word == "main")
            && has("Suites", &is_release_suite);
        let uri = field("URIs")?.split_whitespace().next()?.to_owned();
        usable.then(|| Mirror {
            uri,
            signed_by: field("Signed-By").map(str::to_owned),
        })
    })
}

/// Splits a deb822 file into stanzas of `(field, value)`, keeping continuation lines.
fn parse_deb822(text: &str) -> Vec<Vec<(String, String)>> {
    let mut stanzas = Vec::new();
    let mut current: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            // Comments may sit anywhere, even between a field and its continuation lines.
        } else if line.trim().is_empty() {
            if !current.is_empty() {
                stanzas.push(std::mem::take(&mut current));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut() {
                value.push('\n');
                value.push_str(line);
            }
        } else if let Some((key, value)) = line.split_once(':') {
            current.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    if !current.is_empty() {
        stanzas.push(current);
    }
    stanzas
}

/// The first `deb URI SUITE main` line with a release suite, from a one-line sources list.
fn mirror_from_one_line(text: &str) -> Option<Mirror> {
    text.lines().find_map(|line| {
        let line = line.split('#').next()?.trim();
        let rest = line.strip_prefix("deb ")?.trim_start();
        let (options, rest) = match rest.strip_prefix('[') {
            Some(bracketed) => bracketed.split_once(']')?,
            None => ("", rest),
        };
        let mut words = rest.split_whitespace();
        let uri = words.next()?.to_owned();
        let suite = words.next()?;
        (is_release_suite(suite) && words.any(|component| component == "main")).then(|| Mirror {
            uri,
            signed_by: options
                .split_whitespace()
                .find_map(|option| option.strip_prefix("signed-by="))
                .map(str::to_owned),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{Mirror, mirror_from_deb822, mirror_from_one_line, sources_stanza};

    const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

    #[test]
    fn the_mirror_comes_from_the_release_stanza_of_deb822_sources() {
        let text = format!(
            "Types: deb\n# a comment\nURIs: http://mirror.example/debian-security\n\
             Suites: bookworm-security\nComponents: main\nSigned-By: {KEYRING}\n\n\
             Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n\
             Components: main\nSigned-By: {KEYRING}\n"
        );
        assert_eq!(
            mirror_from_deb822(&text),
            Some(Mirror {
                uri: "http://mirror.example/debian".to_owned(),
                signed_by: Some(KEYRING.to_owned()),
            })
        );
        let disabled =
            "Enabled: no\nTypes: deb\nURIs: http://x/debian\nSuites: sid\nComponents: main\n";
        assert_eq!(mirror_from_deb822(disabled), None);
    }

    #[test]
    fn an_inline_key_is_kept_verbatim() {
        let text = "Types: deb\nURIs: http://x/debian\nSuites: bookworm\nComponents: main contrib\n\
                    Signed-By: -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n KEY\n -----END PGP PUBLIC KEY BLOCK-----\n";
        let mirror = mirror_from_deb822(text).expect("a mirror");
        let stanza = sources_stanza(&mirror, "sid", "amd64");
        assert!(stanza.ends_with(
            "Signed-By: -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n KEY\n -----END PGP PUBLIC KEY BLOCK-----\n"
        ));
        assert!(stanza.starts_with("Types: deb\nURIs: http://x/debian\nSuites: sid\n"));
    }

    #[test]
    fn the_mirror_comes_from_a_one_line_sources_list() {
        let text = "deb http://x/debian-security bookworm-security main\n\
                    # deb http://old/debian bookworm main\n\
                    deb [arch=amd64 signed-by=/k.gpg] http://x/debian bookworm main contrib\n";
        assert_eq!(
            mirror_from_one_line(text),
            Some(Mirror {
                uri: "http://x/debian".to_owned(),
                signed_by: Some("/k.gpg".to_owned()),
            })
        );
        assert_eq!(
            mirror_from_one_line("deb-src http://x/debian bookworm main\n"),
            None
        );
    }
}
