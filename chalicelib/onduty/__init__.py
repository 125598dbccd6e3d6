"""On-duty personnel (人员在岗在位, 5.1.2-1): key posts, rosters, check-ins, presence and vacancy alarms."""
