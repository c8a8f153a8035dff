//! How a command fails: a message for the user (printed after `pysocket: `)
//! and an exit status (2 for a usage error, as python3 and clap use, else 1).

/// A failure of the runner itself (not of a guest, whose status is its own).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub status: u8,
}

impl Failure {
    /// The command line asks for something impossible (exit status 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: 2,
        }
    }

    /// Something went wrong while running (exit status 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: 1,
        }
    }
}
