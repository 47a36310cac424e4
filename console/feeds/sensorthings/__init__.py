"""OGC SensorThings API 1.1 feeds: discovery, the sensor layer a service supplies, polled Observations (no Qt).

By what each module holds: ``client`` (HTTP with httpx: JSON documents and
``@iot.nextLink`` pages, every failure named), ``entities`` (pure parse
functions: Datastreams, Observations into columns), ``catalog`` (discovery, id
template, mapping, the supplied sensor layer), ``polling`` (the resume point:
what to ask next, what is new), ``adapter`` (``SensorThingsFeedAdapter``,
registered as ``sensorthings``). Importing the package does not import httpx;
the modules that need it do.
"""
