module sample-service

go 1.23
