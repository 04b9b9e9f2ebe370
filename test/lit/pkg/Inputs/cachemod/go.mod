module example.com/cm

go 1.19
