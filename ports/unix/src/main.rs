mod args;
mod terminal;

fn main() {}
