value = "top"
