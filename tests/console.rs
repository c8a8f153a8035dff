//! The interactive console: `pysocket python` with no program, on a
//! pseudo-terminal (expectrl) as a user has it, and with stdin a pipe,
//! where python3 reads the program from stdin instead.

use expectrl::{Eof, Session, WaitStatus};
use pysocket_tests::{output_with_input, pysocket_command, TempDir, BOUND};
use std::path::Path;

/// `pysocket python ARGS` on a pseudo-terminal, every expectation bounded.
fn console(cwd: &Path, args: &[&str]) -> Session {
    let mut command = pysocket_command();
    command.current_dir(cwd).arg("python").args(args);
    let mut session = Session::spawn(command).expect("starting pysocket on a pty");
    session.set_expect_timeout(Some(BOUND));
    session
}

/// Waits for the process to end (it has closed the terminal) and returns
/// its exit status.
fn exit_status(mut session: Session) -> i32 {
    session.expect(Eof).expect("the console to end");
    match session.get_process().wait().expect("waiting for pysocket") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("pysocket ended with {other:?}"),
    }
}

#[test]
fn the_console_on_a_terminal_evaluates_lines_and_exits_with_the_status() {
    let work = TempDir::new("console");
    let mut s = console(work.path(), &[]);
    s.expect("Python 3.14").unwrap();
    s.expect("Type \"help\", \"copyright\", \"credits\" or \"license\"")
        .unwrap();
    s.expect(">>> ").unwrap();
    s.send_line("x = 6 * 7").unwrap();
    s.expect(">>> ").unwrap();
    s.send_line("x").unwrap();
    s.expect("42").unwrap();
    s.expect(">>> ").unwrap();
    // A compound statement continues with the secondary prompt.
    s.send_line("for i in range(2):").unwrap();
    s.expect("... ").unwrap();
    s.send_line("    print('line', i)").unwrap();
    s.expect("... ").unwrap();
    s.send_line("").unwrap();
    s.expect("line 1").unwrap();
    // The socket API is there, and errors are reported without ending it.
    s.send_line("import socket; a, b = socket.socketpair(); a.sendall(b'hi'); b.recv(2)")
        .unwrap();
    s.expect("b'hi'").unwrap();
    s.send_line("1/0").unwrap();
    s.expect("ZeroDivisionError: division by zero").unwrap();
    s.send_line("import sys; sys.argv, sys.path[0]").unwrap();
    s.expect("([''], '')").unwrap();
    s.send_line("exit(4)").unwrap();
    assert_eq!(exit_status(s), 4);
}

#[test]
fn end_of_input_leaves_the_console_with_status_0() {
    let work = TempDir::new("console-eof");
    let mut s = console(work.path(), &["-q"]);
    s.expect(">>> ").unwrap();
    // -q: no banner before the first prompt.
    s.send_line("print('quiet' + 'ly')").unwrap();
    s.expect("quietly").unwrap();
    s.send(expectrl::ControlCode::EndOfTransmission).unwrap();
    assert_eq!(exit_status(s), 0);
}

#[test]
fn inspect_after_a_program_on_a_terminal() {
    let work = TempDir::new("console-inspect");
    let mut s = console(work.path(), &["-i", "-c", "answer = 40 + 2"]);
    s.expect(">>> ").unwrap();
    s.send_line("answer").unwrap();
    s.expect("42").unwrap();
    s.send_line("raise SystemExit(9)").unwrap();
    assert_eq!(exit_status(s), 9);
}

#[test]
fn with_stdin_a_pipe_the_program_is_read_from_it() {
    let work = TempDir::new("console-pipe");
    let mut command = pysocket_command();
    command.current_dir(work.path()).arg("python");
    let out = output_with_input(command, "x = 6 * 7\nprint(x)\n");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n");
    // Neither banner nor prompts: it is not interactive.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    // -i makes it interactive all the same (prompts on stderr, as python3).
    let mut command = pysocket_command();
    command
        .current_dir(work.path())
        .args(["python", "-i", "-c", "x = 5"]);
    let out = output_with_input(command, "print(x * 2)\n");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "10\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), ">>> >>> \n");
}

/// On a terminal, the first compile of the component is a line that counts
/// the seconds and ends with the time it took.
#[test]
fn the_first_compile_shows_progress_on_a_terminal() {
    let cache = TempDir::new("console-compile-cache");
    let mut command = pysocket_command();
    command
        .current_dir(cache.path())
        .env("PYSOCKET_CACHE_DIR", cache.path())
        .args(["python", "-c", "print('after the compile')"]);
    let mut s = Session::spawn(command).expect("starting pysocket on a pty");
    s.set_expect_timeout(Some(BOUND));
    s.expect("\rpysocket: compiling the Python component once (about 10 s); cached in ")
        .unwrap();
    s.expect(" ... 0s").unwrap();
    s.expect(" ... done in ").unwrap();
    s.expect("after the compile").unwrap();
    assert_eq!(exit_status(s), 0);
}
