"""Communities (小区/项目): one official account for every community the company manages.

`scope` gives the settings as one community sees them (its phones, office hours, time zone in
every reply); `cli` is `wuye community add/list/show`."""
