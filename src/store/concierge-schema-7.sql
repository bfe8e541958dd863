-- Schema version 7.

-- Reserved for the Facebook feed's changes; nothing changes here yet.
