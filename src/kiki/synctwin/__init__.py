"""SyncTwin: the pre-launch Monte Carlo gate (seed 004, trigger 1).

Import from the modules that define things (``kiki.synctwin.domain.simulation``, …): this
package imports nothing, so that ``kiki.synctwin.errors`` does not pull in numpy.
"""
