#!/bin/sh
cat /srv/app/settings.ini
