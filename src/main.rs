use clap::Parser;

fn main() {
    std::process::exit(headroom::app::headroom(headroom::cli::Cli::parse()));
}
