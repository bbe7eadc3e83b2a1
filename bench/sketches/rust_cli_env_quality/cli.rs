//! Command-line options for the `shrink` image tool.

use std::fmt;
use std::path::PathBuf;

pub const DEFAULT_QUALITY: u8 = 85;
pub const DEFAULT_MAX_WIDTH: u32 = 1920;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub output_dir: Option<PathBuf>,
    pub format: Option<Format>,
    pub quality: u8,
    pub max_width: u32,
    pub overwrite: bool,
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inputs: Vec::new(),
            output_dir: None,
            format: None,
            quality: DEFAULT_QUALITY,
            max_width: DEFAULT_MAX_WIDTH,
            overwrite: false,
            verbose: false,
        }
    }
}

#[derive(Debug, PartialEq)]
pub enum ArgError {
    MissingValue(String),
    InvalidValue { flag: String, value: String },
    UnknownFlag(String),
    NoInputs,
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::MissingValue(flag) => write!(f, "{} needs a value", flag),
            ArgError::InvalidValue { flag, value } => {
                write!(f, "invalid value {:?} for {}", value, flag)
            }
            ArgError::UnknownFlag(flag) => write!(f, "unknown option {}", flag),
            ArgError::NoInputs => write!(f, "no input files given"),
        }
    }
}

impl std::error::Error for ArgError {}

fn value<I: Iterator<Item = String>>(flag: &str, args: &mut I) -> Result<String, ArgError> {
    args.next().ok_or_else(|| ArgError::MissingValue(flag.to_string()))
}

fn invalid(flag: &str, value: &str) -> ArgError {
    ArgError::InvalidValue { flag: flag.to_string(), value: value.to_string() }
}

impl Options {
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Options, ArgError> {
        let mut opts = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-o" | "--output" => opts.output_dir = Some(PathBuf::from(value(&arg, &mut args)?)),
                "-f" | "--format" => {
                    let v = value(&arg, &mut args)?;
                    opts.format = Some(Format::parse(&v).ok_or_else(|| invalid(&arg, &v))?);
                }
                "-q" | "--quality" => {
                    let v = value(&arg, &mut args)?;
                    opts.quality = match v.parse::<u8>() {
                        Ok(q) if (1..=100).contains(&q) => q,
                        _ => return Err(invalid(&arg, &v)),
                    };
                }
                "-w" | "--max-width" => {
                    let v = value(&arg, &mut args)?;
                    opts.max_width = v.parse().map_err(|_| invalid(&arg, &v))?;
                }
                "-y" | "--overwrite" => opts.overwrite = true,
                "-v" | "--verbose" => opts.verbose = true,
                flag if flag.starts_with('-') && flag.len() > 1 => {
                    return Err(ArgError::UnknownFlag(flag.to_string()))
                }
                _ => opts.inputs.push(PathBuf::from(arg)),
            }
        }
        if opts.inputs.is_empty() {
            return Err(ArgError::NoInputs);
        }
        Ok(opts)
    }

    pub fn output_path(&self, input: &PathBuf) -> PathBuf {
        let dir = match &self.output_dir {
            Some(d) => d.clone(),
            None => input.parent().map(PathBuf::from).unwrap_or_default(),
        };
        let stem = input.file_stem().unwrap_or_default();
        let ext = match self.format {
            Some(f) => f.extension().to_string(),
            None => input
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| "jpg".to_string()),
        };
        dir.join(format!("{}.{}", stem.to_string_lossy(), ext))
    }
}
