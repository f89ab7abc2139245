# A thread ends quietly through _thread.exit() or SystemExit; get_ident tells threads apart
# and start_new_thread returns the new thread's identifier.
import _thread

done = _thread.allocate_lock()
info = {}


def quitter(how):
    try:
        info["ident"] = _thread.get_ident()
    finally:
        done.release()
    if how == "exit":
        _thread.exit()
    raise SystemExit
    print("not reached")


main_ident = _thread.get_ident()
print(type(main_ident) is int, main_ident == _thread.get_ident())
for how in ("exit", "raise"):
    done.acquire()
    new = _thread.start_new_thread(quitter, (how,))
    done.acquire()
    done.release()
    print(how, new == info["ident"], info["ident"] != main_ident)

# stack_size returns the previous setting.
print(_thread.stack_size(64 * 1024))
print(_thread.stack_size(0))
