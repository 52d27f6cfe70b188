use clap::Parser;

fn main() {
    std::process::exit(headroom::app::cat(headroom::cli::CatArgs::parse()));
}
