fn main() { eprintln!("book builder: not wired yet"); std::process::exit(1) }
