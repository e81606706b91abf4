//! A reproducible tar archive in the POSIX ustar format, written here so that nothing of the build machine leaks into it.
//!
//! Entries are written in the order given (the caller sorts them), with one modification time for all, owner and group `root` (0), and fixed modes: 0755 for directories, 0644 for files.
//! Nothing is read from the file system here: the caller passes each file's bytes, so the archive depends only on them, their names and the timestamp.
//! The archive ends with the two zero blocks ustar requires and is padded to whole 10 KiB records, as tar writes it.

use anyhow::bail;

/// One entry of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A directory; its name has no trailing slash here.
    Directory(String),
    /// A regular file with its content.
    File(String, Vec<u8>),
}

impl Entry {
    /// The entry's path inside the archive.
    pub(crate) fn path(&self) -> &str {
        match self {
            Entry::Directory(path) | Entry::File(path, _) => path,
        }
    }
}

/// The size of a tar block.
const BLOCK: usize = 512;

/// The size of a tar record: 20 blocks.
const RECORD: usize = 20 * BLOCK;

/// Writes `entries` as an uncompressed ustar archive with every entry dated `mtime` (seconds since the Unix epoch).
pub(crate) fn archive(entries: &[Entry], mtime: u64) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Entry::Directory(path) => {
                out.extend_from_slice(&header(&format!("{path}/"), 0o755, 0, mtime, b'5')?);
            }
            Entry::File(path, content) => {
                out.extend_from_slice(&header(path, 0o644, content.len() as u64, mtime, b'0')?);
                out.extend_from_slice(content);
                out.resize(out.len().next_multiple_of(BLOCK), 0);
            }
        }
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    out.resize(out.len().next_multiple_of(RECORD), 0);
    Ok(out)
}

/// One ustar header block.
fn header(name: &str, mode: u32, size: u64, mtime: u64, kind: u8) -> anyhow::Result<[u8; BLOCK]> {
    if name.len() > 100 || name.is_empty() || !name.is_ascii() {
        bail!("cannot archive `{name}`: a name must be 1 to 100 ASCII characters");
    }
    let mut block = [0u8; BLOCK];
    block[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut block[100..108], u64::from(mode))?;
    octal(&mut block[108..116], 0)?;
    octal(&mut block[116..124], 0)?;
    octal(&mut block[124..136], size)?;
    octal(&mut block[136..148], mtime)?;
    block[156] = kind;
    block[257..263].copy_from_slice(b"ustar\0");
    block[263..265].copy_from_slice(b"00");
    block[265..269].copy_from_slice(b"root");
    block[297..301].copy_from_slice(b"root");
    octal(&mut block[329..337], 0)?;
    octal(&mut block[337..345], 0)?;
    // The checksum is computed with its own field taken as eight spaces.
    block[148..156].copy_from_slice(b"        ");
    let checksum: u64 = block.iter().map(|byte| u64::from(*byte)).sum();
    let digits = format!("{checksum:06o}\0 ");
    block[148..156].copy_from_slice(digits.as_bytes());
    Ok(block)
}

/// Writes `value` as zero-padded octal digits followed by a NUL, filling `field`.
fn octal(field: &mut [u8], value: u64) -> anyhow::Result<()> {
    let width = field.len() - 1;
    let digits = format!("{value:0width$o}");
    if digits.len() > width {
        bail!("{value} does not fit a {width}-digit tar field");
    }
    field[..width].copy_from_slice(digits.as_bytes());
    field[width] = 0;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, Entry, RECORD, archive};

    fn entries() -> Vec<Entry> {
        vec![
            Entry::Directory("pkg".to_owned()),
            Entry::File("pkg/a.py".to_owned(), b"print('a')\n".to_vec()),
            Entry::File("NOTES".to_owned(), vec![b'x'; 700]),
        ]
    }

    #[test]
    fn headers_follow_ustar_and_depend_only_on_names_contents_and_time() {
        let bytes = archive(&entries(), 1_700_000_000).unwrap();
        assert_eq!(bytes.len() % RECORD, 0);
        assert_eq!(bytes, archive(&entries(), 1_700_000_000).unwrap());
        assert_ne!(bytes, archive(&entries(), 1_700_000_001).unwrap());
        let directory = &bytes[..BLOCK];
        assert_eq!(&directory[..4], b"pkg/");
        assert_eq!(&directory[100..108], b"0000755\0");
        assert_eq!(directory[156], b'5');
        assert_eq!(&directory[257..265], b"ustar\x0000");
        assert_eq!(&directory[265..270], b"root\0");
        let file = &bytes[BLOCK..2 * BLOCK];
        assert_eq!(&file[100..108], b"0000644\0");
        assert_eq!(&file[124..136], b"00000000013\0");
        assert_eq!(&file[136..148], b"14524770400\0");
        let stored: u64 = std::str::from_utf8(&file[148..154])
            .ok()
            .and_then(|digits| u64::from_str_radix(digits, 8).ok())
            .unwrap();
        let mut blank = file.to_vec();
        blank[148..156].copy_from_slice(b"        ");
        assert_eq!(
            stored,
            blank.iter().map(|byte| u64::from(*byte)).sum::<u64>()
        );
        assert_eq!(&bytes[2 * BLOCK..2 * BLOCK + 11], b"print('a')\n");
    }

    #[test]
    fn system_tar_reads_it_back() {
        let dir = std::env::temp_dir().join(format!("xtask-tar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let tarball = dir.join("test.tar");
        std::fs::write(&tarball, archive(&entries(), 0).unwrap()).unwrap();
        let listing = std::process::Command::new("tar")
            .arg("-tvf")
            .arg(&tarball)
            .output()
            .unwrap();
        assert!(listing.status.success());
        let text = String::from_utf8(listing.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("drwxr-xr-x root/root"), "{text}");
        assert!(lines[0].ends_with(" pkg/"), "{text}");
        assert!(lines[1].starts_with("-rw-r--r-- root/root"), "{text}");
        assert!(lines[2].ends_with(" NOTES"), "{text}");
        let unpacked = dir.join("out");
        std::fs::create_dir_all(&unpacked).unwrap();
        let status = std::process::Command::new("tar")
            .arg("-xf")
            .arg(&tarball)
            .arg("-C")
            .arg(&unpacked)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            std::fs::read(unpacked.join("NOTES")).unwrap(),
            vec![b'x'; 700]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
