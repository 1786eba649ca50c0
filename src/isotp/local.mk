# isotp
