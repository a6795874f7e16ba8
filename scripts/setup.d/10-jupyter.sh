# Host Jupyter: the local spawner's servers, the kernel conformance suite, nbconvert for example notebooks.
# needed-by: run
apt_install jupyter-server python3-jupyter-client python3-ipykernel python3-jupyter-kernel-test \
            jupyter-nbconvert python3-nbconvert python3-pytest python3-websocket maven
