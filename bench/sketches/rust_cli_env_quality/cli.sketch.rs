// ... existing code ...
use std::env;
use std::fmt;
use std::path::PathBuf;
// ... existing code ...
impl Options {
    /// Parses the command line, using `SHRINK_QUALITY` as the default quality
    /// when the variable is set to a number between 1 and 100.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Options, ArgError> {
        let mut opts = Options::default();
        if let Ok(v) = env::var("SHRINK_QUALITY") {
            match v.parse::<u8>() {
                Ok(q) if (1..=100).contains(&q) => opts.quality = q,
                _ => return Err(invalid("SHRINK_QUALITY", &v)),
            }
        }
        let mut args = args.into_iter();
// ... existing code ...
